import { useEffect, useState } from 'react';
import { useCan, useSession } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { SelectField } from '../../../ui/Field';
import { Card, Panel } from '../../../ui/Layout';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import { useActionFeedback, useToast } from '../../../ui/Toast';
import { ATTACHMENT_KIND_LABELS } from './labels';
import { fetchWithSession, saveAsFile } from '../../../lib/sessionFetch';
import { attachmentBlob, uploadAttachment } from './restFiles';
import type { Attachment } from './types';

const KiB = 1024;
const sizeFormat = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const formatSize = (bytes: number) =>
  bytes < KiB ? `${bytes} B` : bytes < KiB * KiB ? `${sizeFormat.format(bytes / KiB)} KB` : `${sizeFormat.format(bytes / (KiB * KiB))} MB`;

/** A photo's thumbnail, read with the session (its address needs the access token). */
function Thumbnail({ attachment }: { attachment: Attachment }) {
  const session = useSession();
  const [source, setSource] = useState<string | null>(null);
  useEffect(() => {
    const aborted = new AbortController();
    let objectUrl: string | null = null;
    attachmentBlob(session, attachment.url, aborted.signal)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setSource(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      aborted.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [session, attachment.url]);
  if (!source) return <div className="size-16 rounded bg-zinc-100" />;
  return <img src={source} alt={attachment.fileName} className="size-16 rounded object-cover" />;
}

/** The asset's photos, invoices and manuals: send one (checked on the server for type, size and content), read or delete them. */
export function AttachmentsPanel({ assetId, attachments }: { assetId: string; attachments: readonly Attachment[] }) {
  const session = useSession();
  const toast = useToast();
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const canWrite = useCan('inventory.assets.write');
  const remove = trpc.inventory.attachments.delete.useMutation({
    onSuccess: () => void utils.inventory.assets.get.invalidate({ id: assetId }),
  });
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<Attachment['kind']>('photo');
  const [sending, setSending] = useState(false);
  const [inputKey, setInputKey] = useState(0);

  const send = async () => {
    if (!file) return;
    setSending(true);
    try {
      await uploadAttachment(session, assetId, file, kind);
      toast.success(`${file.name} anexado`);
      setFile(null);
      setInputKey((key) => key + 1);
      void utils.inventory.assets.get.invalidate({ id: assetId });
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setSending(false);
    }
  };
  const download = (attachment: Attachment) =>
    fetchWithSession(session, attachment.url)
      .then((response) => saveAsFile(response, attachment.fileName))
      .catch((error: unknown) => toast.error(errorMessage(error)));

  return (
    <Panel title="Anexos" description="Fotos, notas fiscais e manuais.">
      <Card className="space-y-4">
        <ListQueryStatus query={{ isPending: false, isError: false, error: null, data: attachments }} empty="Nenhum anexo ainda" />
        <ul className="divide-y divide-zinc-100" aria-label="Anexos do ativo">
          {attachments.map((attachment) => (
            <li key={attachment.id} className="flex items-center gap-3 py-2">
              {attachment.mimeType.startsWith('image/') && <Thumbnail attachment={attachment} />}
              <div className="min-w-0 flex-1">
                <button
                  type="button"
                  className="font-medium wrap-anywhere text-zinc-900 underline-offset-2 hover:underline"
                  onClick={() => void download(attachment)}
                >
                  {attachment.fileName}
                </button>
                <p className="text-xs text-zinc-500">
                  {ATTACHMENT_KIND_LABELS[attachment.kind]} · {formatSize(attachment.sizeBytes)} · {formatDateTime(attachment.createdAt)}
                </p>
              </div>
              {canWrite && (
                <ConfirmButton
                  label="Excluir"
                  title={`Excluir ${attachment.fileName}?`}
                  message="O arquivo some do ativo para sempre."
                  confirmLabel="Excluir"
                  onConfirm={() => feedback(() => remove.mutateAsync({ id: attachment.id }), 'Anexo excluído')}
                />
              )}
            </li>
          ))}
        </ul>
        {canWrite && (
          <div className="grid gap-3 border-t border-zinc-100 pt-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
            <label className="block text-sm font-medium text-zinc-700">
              Arquivo
              <input
                key={inputKey}
                type="file"
                accept="image/jpeg,image/png,image/webp,application/pdf,text/plain,text/csv,.doc,.docx,.xls,.xlsx"
                className="mt-1 block w-full text-sm"
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
            </label>
            <SelectField
              label="Tipo de anexo"
              options={Object.entries(ATTACHMENT_KIND_LABELS).map(([value, label]) => ({ value, label }))}
              value={kind}
              onChange={(event) => setKind(event.target.value as Attachment['kind'])}
            />
            <Button tone="primary" disabled={!file} busy={sending} onClick={() => void send()}>
              Enviar anexo
            </Button>
          </div>
        )}
      </Card>
    </Panel>
  );
}
