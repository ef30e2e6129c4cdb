import { useState } from 'react';
import type { RouterOutputs } from '../../../lib/trpc';
import { trpc } from '../../../lib/trpc';
import { Badge, EmptyState, PageHeader, Panel } from '../../../ui/Layout';
import { ConnectionIndicator } from '../../../lib/eventStream';
import { useLiveEvents } from '../../../lib/useLiveEvents';
import { formatInZone, useTenantTimeZone } from '../zonedTime';

type Conversation = RouterOutputs['agenda']['chat']['conversations'][number];
type ChatMessage = RouterOutputs['agenda']['chat']['messages'][number];
type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

const INTENTS: Record<string, { label: string; tone: Tone }> = {
  booking: { label: 'Agendamento', tone: 'green' },
  inquiry: { label: 'Dúvida', tone: 'blue' },
  complaint: { label: 'Reclamação', tone: 'red' },
  hello: { label: 'Saudação', tone: 'zinc' },
  unknown: { label: 'Não entendida', tone: 'amber' },
};

function IntentBadge({ intent }: { intent: string | null }) {
  const known = intent ? INTENTS[intent] : undefined;
  return known ? <Badge tone={known.tone}>{known.label}</Badge> : null;
}

/** The agent's answers arrive live: the list and the open conversation refresh on each ai_response. */
function useChatLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (event.type !== 'ai_response') return;
    void utils.agenda.chat.conversations.invalidate();
    void utils.agenda.chat.messages.invalidate({ conversationId: event.data.conversation_id });
  });
}

function ConversationList({
  conversations,
  selectedId,
  onSelect,
  timeZone,
}: {
  conversations: Conversation[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  timeZone: string;
}) {
  return (
    <ul aria-label="Conversas" className="divide-y divide-zinc-100">
      {conversations.map((conversation) => (
        <li key={conversation.id}>
          <button
            type="button"
            aria-current={conversation.id === selectedId ? 'true' : undefined}
            onClick={() => onSelect(conversation.id)}
            className={`flex w-full flex-col gap-1 px-3 py-2 text-left hover:bg-zinc-50 ${conversation.id === selectedId ? 'bg-zinc-100' : ''}`}
          >
            <span className="flex items-center justify-between gap-2">
              <span className="font-medium text-zinc-900">{conversation.clientName}</span>
              <IntentBadge intent={conversation.lastIntent} />
            </span>
            <span className="text-xs text-zinc-500 tabular-nums">
              {conversation.clientPhone} · {formatInZone(conversation.lastMessageAt, timeZone)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function MessageBubble({ message, timeZone }: { message: ChatMessage; timeZone: string }) {
  const fromAgent = message.role === 'agent';
  return (
    <li className={`flex ${fromAgent ? 'justify-end' : 'justify-start'}`}>
      <div
        className={`max-w-[80%] rounded-lg px-3 py-2 text-sm ${fromAgent ? 'bg-emerald-50 text-emerald-950' : 'bg-zinc-100 text-zinc-900'}`}
        aria-label={fromAgent ? 'Resposta do agente' : 'Mensagem do cliente'}
      >
        <p className="whitespace-pre-wrap">{message.body}</p>
        <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-500">
          <span className="tabular-nums">{formatInZone(message.createdAt, timeZone, { timeStyle: 'short' })}</span>
          {fromAgent && <IntentBadge intent={message.intent} />}
          {message.bookingCreated && <Badge tone="amber">Autorização criada</Badge>}
        </p>
      </div>
    </li>
  );
}

function ConversationView({ conversationId, timeZone }: { conversationId: string; timeZone: string }) {
  const messages = trpc.agenda.chat.messages.useQuery({ conversationId });
  if (!messages.data) return <p className="text-sm text-zinc-500">Carregando…</p>;
  return (
    <ol aria-label="Mensagens da conversa" className="space-y-2">
      {messages.data.map((message) => (
        <MessageBubble key={message.id} message={message} timeZone={timeZone} />
      ))}
    </ol>
  );
}

/** What clients wrote on WhatsApp and what the agent answered, with the intent it read and the bookings it proposed. */
export function ChatPage() {
  useChatLiveQueries();
  const timeZone = useTenantTimeZone();
  const conversations = trpc.agenda.chat.conversations.useQuery({});
  const [chosenId, setChosenId] = useState<string | undefined>(undefined);
  const selectedId = chosenId ?? conversations.data?.[0]?.id;
  return (
    <>
      <PageHeader
        title="Conversas"
        description="O agente lê as mensagens que chegam pelo n8n, responde e propõe agendamentos para você aprovar."
        actions={<ConnectionIndicator />}
      />
      {conversations.data && conversations.data.length === 0 ? (
        <EmptyState
          title="Nenhuma conversa ainda"
          hint="As mensagens enviadas ao webhook message-received aparecem aqui, com as respostas do agente."
        />
      ) : (
        <div className="grid gap-4 lg:grid-cols-[18rem_1fr]">
          <Panel title="Clientes">
            <ConversationList conversations={conversations.data ?? []} selectedId={selectedId} onSelect={setChosenId} timeZone={timeZone} />
          </Panel>
          <Panel title="Conversa">{selectedId ? <ConversationView conversationId={selectedId} timeZone={timeZone} /> : null}</Panel>
        </div>
      )}
    </>
  );
}
