import { useMutation } from '@tanstack/react-query';
import { useId, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Banner } from '../../../ui/Layout';
import type { QuickReply } from '../labels';

/** A box holding only "/" and part of a shortcut ("/sau") asks for a quick reply. */
const SLASH_COMMAND = /^\/([a-z0-9_-]*)$/i;
const MOST_SHOWN = 8;

/** Replies whose shortcut has the typed part, those that start with it first. */
function matchesOf(replies: readonly QuickReply[], term: string): QuickReply[] {
  const found = replies.filter((reply) => reply.shortcut.includes(term));
  return [...found.filter((reply) => reply.shortcut.startsWith(term)), ...found.filter((reply) => !reply.shortcut.startsWith(term))].slice(
    0,
    MOST_SHOWN,
  );
}

/**
 * The reply box's quick reply picker: typing `/` opens it, filtered as the shortcut is typed;
 * ↑/↓ move, Enter or Tab choose, Esc closes. Choosing asks the server to fill the reply in for
 * this ticket (contact, agent, number), and the text goes into the box to send or edit.
 */
export function useQuickReplyPicker({ body, ticketId, onFilled }: { body: string; ticketId: string; onFilled: (text: string) => void }) {
  const listboxId = useId();
  const { client } = trpc.useUtils();
  const term = SLASH_COMMAND.exec(body)?.[1]?.toLowerCase() ?? '';
  // Esc closes the picker for what is typed now; typing on opens it again.
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const open = SLASH_COMMAND.test(body) && dismissedAt !== body;
  const replies = trpc.helpdesk.quickReplies.list.useQuery(undefined, { enabled: open });
  const matches = open ? matchesOf(replies.data ?? [], term) : [];
  // The highlight belongs to one term: typing more starts again from the first match.
  const [highlight, setHighlight] = useState({ term, index: 0 });
  const active = highlight.term === term ? Math.min(highlight.index, matches.length - 1) : 0;
  const render = useMutation({
    mutationFn: (reply: QuickReply) => client.helpdesk.quickReplies.render.query({ id: reply.id, ticketId }),
    onSuccess: ({ text }) => onFilled(text),
  });
  const optionId = (index: number) => `${listboxId}-${index}`;
  /** Options on screen (not while a chosen one is being filled in). */
  const listed = open && !render.isPending && matches.length > 0;

  /** The keys the picker takes while open; answers whether it took this one. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    const move = (by: number) => setHighlight({ term, index: (active + by + matches.length) % matches.length });
    if (event.key === 'Escape') setDismissedAt(body);
    else if (matches.length === 0) return false;
    else if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') render.mutate(matches[active]!);
    else return false;
    event.preventDefault();
    return true;
  };

  return {
    open,
    listed,
    term,
    matches,
    active,
    listboxId,
    optionId,
    onKeyDown,
    highlight: (index: number) => setHighlight({ term, index }),
    choose: (reply: QuickReply) => render.mutate(reply),
    replies,
    render,
    /** For the message box: the list it drives and the option highlighted in it. */
    textareaProps: {
      'aria-autocomplete': 'list' as const,
      'aria-controls': listed ? listboxId : undefined,
      'aria-activedescendant': listed ? optionId(active) : undefined,
    },
  };
}

type QuickReplyPicker = ReturnType<typeof useQuickReplyPicker>;

/** What the picker says instead of options: filling in, loading, a failure, or no match. */
function pickerNotice(picker: QuickReplyPicker): string {
  if (picker.render.isPending) return 'Preenchendo a resposta…';
  if (picker.replies.isPending) return 'Carregando respostas rápidas…';
  if (picker.replies.isError) return errorMessage(picker.replies.error);
  return `Nenhuma resposta rápida com /${picker.term}`;
}

/** The open picker under the message box. */
export function QuickReplyMenu({ picker }: { picker: QuickReplyPicker }) {
  if (!picker.open) return null;
  return (
    <div className="space-y-2">
      {picker.render.isError && <Banner>{errorMessage(picker.render.error)}</Banner>}
      <div className="rounded-md border border-zinc-200 bg-white shadow-lg" data-testid="quick-reply-picker">
        {picker.listed ? (
          <ul
            role="listbox"
            id={picker.listboxId}
            aria-label="Respostas rápidas"
            className="max-h-56 divide-y divide-zinc-100 overflow-y-auto"
          >
            {picker.matches.map((reply, index) => (
              <li
                key={reply.id}
                id={picker.optionId(index)}
                role="option"
                aria-selected={index === picker.active}
                // mousedown, not click: the message box keeps the focus.
                onMouseDown={(event) => {
                  event.preventDefault();
                  picker.choose(reply);
                }}
                onMouseEnter={() => picker.highlight(index)}
                className={`cursor-pointer px-3 py-1.5 ${index === picker.active ? 'bg-zinc-100' : ''}`}
              >
                <span className="font-mono text-xs font-medium text-zinc-900">/{reply.shortcut}</span>
                <span className="block truncate text-xs text-zinc-500">{reply.text}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p role="status" className="inline-flex items-center gap-2 px-3 py-2 text-xs text-zinc-500">
            {(picker.render.isPending || picker.replies.isPending) && <Spinner className="size-3" />}
            {pickerNotice(picker)}
          </p>
        )}
      </div>
    </div>
  );
}
