import { formatDateTime, formatTime } from '../../../lib/format';
import type { Message } from '../labels';
import { DeliveryTick } from './DeliveryTick';
import { fileNameOfUrl } from './media';
import { useStoredMediaUrl } from './useStoredMediaUrl';

const SOURCES: Record<Message['source'], string | undefined> = {
  contact: undefined,
  dashboard: undefined,
  system: 'Mensagem automática',
  api: 'Enviada pela API',
};

const MEDIA_LABELS: Record<string, string | undefined> = {
  image: 'Imagem',
  audio: 'Áudio',
  video: 'Vídeo',
  document: 'Documento',
  sticker: 'Figurinha',
};
const PICTURE_KINDS = new Set(['image', 'sticker']);

interface MessageMediaProps {
  kind: string;
  url: string;
  fileName: string | null;
  mimeType: string | null;
}

/** A picture shows itself (opening full size on click); any other file is a link with its name. */
function MessageMedia({ kind, url, fileName, mimeType }: MessageMediaProps) {
  const name = fileName ?? fileNameOfUrl(url) ?? MEDIA_LABELS[kind] ?? 'Anexo';
  const source = useStoredMediaUrl(url);
  if (source.status === 'loading') {
    return <p className="mt-1 text-xs text-zinc-500">Carregando {name}…</p>;
  }
  if (source.status === 'failed') {
    return (
      <p className="mt-1 text-xs text-zinc-500" data-testid="media-unavailable">
        📎 {name} (arquivo indisponível)
      </p>
    );
  }
  if (PICTURE_KINDS.has(kind) || mimeType?.startsWith('image/')) {
    return (
      <a href={source.src} target="_blank" rel="noreferrer" className="mt-1 block">
        <img
          src={source.src}
          alt={name}
          loading="lazy"
          data-testid="media-preview"
          className="max-h-60 max-w-full rounded-md bg-white ring-1 ring-zinc-200"
        />
      </a>
    );
  }
  return (
    <a
      href={source.src}
      target="_blank"
      rel="noreferrer"
      download={source.src.startsWith('blob:') ? name : undefined}
      className="mt-1 inline-block text-sm font-medium break-all text-sky-700 underline"
    >
      📎 {name}
    </a>
  );
}

function bubbleStyle(message: Message): string {
  if (message.isNote) return 'ml-auto bg-amber-50 ring-amber-200';
  return message.direction === 'inbound' ? 'mr-auto bg-white ring-zinc-200' : 'ml-auto bg-emerald-50 ring-emerald-200';
}

/** One message: the contact's on the left, ours on the right, internal notes in yellow; ours carry their delivery tick. */
export function MessageBubble({ message, senderName }: { message: Message; senderName: string | undefined }) {
  const byline = message.isNote
    ? `Nota interna${senderName ? ` · ${senderName}` : ''}`
    : (SOURCES[message.source] ?? (message.direction === 'outbound' ? senderName : undefined));
  return (
    <li
      data-testid="message"
      data-message-id={message.id}
      data-direction={message.direction}
      data-note={message.isNote || undefined}
      className={`w-fit max-w-[85%] rounded-lg px-3 py-2 text-sm shadow-xs ring-1 ${bubbleStyle(message)}`}
    >
      {byline && <p className="mb-0.5 text-xs font-medium text-zinc-500">{byline}</p>}
      {message.body && <p className="break-words whitespace-pre-wrap text-zinc-900">{message.body}</p>}
      {message.media?.url && (
        <MessageMedia kind={message.kind} url={message.media.url} fileName={message.media.fileName} mimeType={message.media.mimeType} />
      )}
      <p className="mt-1 flex items-center justify-end gap-1.5 text-[11px] text-zinc-500">
        <time dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>
          {formatTime(message.createdAt)}
        </time>
        {message.direction === 'outbound' && !message.isNote && message.status !== 'received' && (
          <DeliveryTick status={message.status} failureReason={message.failureReason} />
        )}
      </p>
    </li>
  );
}
