import { useMutation } from '@tanstack/react-query';
import { useSession } from '../../../app/providers';
import { Button, Spinner } from '../../../ui/Button';
import { Banner } from '../../../ui/Layout';
import { formatFileSize, uploadMedia } from './media';

/** A file for the reply, uploaded as soon as it is picked; the reply then carries its link. */
export function useAttachment() {
  const session = useSession();
  return useMutation({ mutationFn: (file: File) => uploadMedia(session, file) });
}

export type Attachment = ReturnType<typeof useAttachment>;

/** "Anexar arquivo": picks a file and uploads it; shows the upload, the file ready to go, or the server's refusal. */
export function AttachmentPicker({ attachment }: { attachment: Attachment }) {
  return (
    <label className="inline-flex h-7 cursor-pointer items-center rounded-md px-2.5 text-xs font-medium text-zinc-600 focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-zinc-400 hover:bg-zinc-100 hover:text-zinc-900">
      Anexar arquivo
      <input
        type="file"
        className="sr-only"
        disabled={attachment.isPending}
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Cleared, so picking the same file again (after removing it) uploads it again.
          event.target.value = '';
          if (file) attachment.mutate(file);
        }}
      />
    </label>
  );
}

/** Above the buttons: the uploaded file (with a way to take it off the reply) or why the upload failed. */
export function AttachmentStatus({ attachment }: { attachment: Attachment }) {
  if (attachment.isError) return <Banner>{attachment.error.message}</Banner>;
  if (attachment.isPending) {
    return (
      <p role="status" className="inline-flex items-center gap-2 text-xs text-zinc-500">
        <Spinner className="size-3" /> Enviando {attachment.variables.name}…
      </p>
    );
  }
  if (!attachment.data) return null;
  const { fileName, sizeBytes } = attachment.data;
  return (
    <div
      data-testid="attachment"
      className="flex items-center justify-between gap-2 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-1.5 text-sm"
    >
      <span className="min-w-0 truncate">
        📎 <span className="font-medium text-zinc-900">{fileName}</span>{' '}
        <span className="text-xs text-zinc-500">{formatFileSize(sizeBytes)}</span>
      </span>
      <Button size="sm" tone="ghost" aria-label={`Remover anexo ${fileName}`} onClick={() => attachment.reset()}>
        Remover
      </Button>
    </div>
  );
}
