import { getQueryKey } from '@trpc/react-query';
import { useEffect, useEffectEvent, useLayoutEffect, useRef } from 'react';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { Button } from '../../../ui/Button';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import { useTeam } from '../team';
import { MessageBubble } from './MessageBubble';

/** How close to the bottom still counts as "reading the latest", so new messages scroll into view. */
const BOTTOM_SLACK_PX = 48;

/**
 * The conversation, oldest at the top. The server pages newest first; scrolling to the top
 * loads the page before (infinite scroll backwards) without moving what is on screen, and new
 * messages scroll into view while the reader is at the bottom.
 */
export function MessageHistory({ ticketId }: { ticketId: string }) {
  const { client } = trpc.useUtils();
  const team = useTeam();
  const pages = useCursorPages(getQueryKey(trpc.helpdesk.messages.list, { ticketId }, 'infinite'), (cursor) =>
    client.helpdesk.messages.list.query({ ticketId, ...(cursor ? { cursor } : {}) }),
  );
  const messages = [...(pages.items ?? [])].reverse();
  const oldestId = messages[0]?.id;
  const newestId = messages.at(-1)?.id;

  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const readingLatest = useRef(true);
  const heightBeforeOlder = useRef<number | null>(null);
  const shown = useRef<{ oldestId?: string; newestId?: string }>({});

  const loadOlder = () => {
    if (!pages.hasNextPage || pages.isFetchingNextPage) return;
    heightBeforeOlder.current = scroller.current?.scrollHeight ?? null;
    void pages.fetchNextPage();
  };
  const loadOlderOnSight = useEffectEvent(loadOlder);

  useLayoutEffect(() => {
    const element = scroller.current;
    const previous = shown.current;
    shown.current = { oldestId, newestId };
    if (!element) return;
    if (previous.oldestId !== oldestId && heightBeforeOlder.current !== null) {
      // Older messages went in above: keep the ones on screen where they were.
      element.scrollTop += element.scrollHeight - heightBeforeOlder.current;
      heightBeforeOlder.current = null;
    } else if (previous.newestId !== newestId && readingLatest.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [oldestId, newestId]);

  // Reaching the top loads older messages; observed again after each page, in case the top is still in view.
  useEffect(() => {
    const target = sentinel.current;
    const root = scroller.current;
    if (!target || !root || !pages.hasNextPage || pages.isFetchingNextPage) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && loadOlderOnSight(), {
      root,
      rootMargin: '120px 0px 0px 0px',
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [pages.hasNextPage, pages.isFetchingNextPage]);

  const followScroll = () => {
    const element = scroller.current;
    if (element) readingLatest.current = element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK_PX;
  };

  return (
    <div ref={scroller} onScroll={followScroll} className="h-[28rem] overflow-y-auto bg-zinc-50 px-4 py-3" data-testid="message-history">
      <div ref={sentinel} className="flex justify-center pb-2">
        {pages.hasNextPage && (
          <Button size="sm" tone="ghost" busy={pages.isFetchingNextPage} onClick={loadOlder}>
            Carregar mensagens anteriores
          </Button>
        )}
      </div>
      <ListQueryStatus query={{ ...pages, data: pages.items }} empty="Nenhuma mensagem ainda" />
      <ol aria-label="Mensagens" className="flex flex-col gap-2">
        {messages.map((message) => (
          <MessageBubble key={message.id} message={message} senderName={team.nameOf(message.senderUserId)} />
        ))}
      </ol>
    </div>
  );
}
