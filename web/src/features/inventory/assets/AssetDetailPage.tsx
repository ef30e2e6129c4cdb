import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useCan, useSession } from '../../../app/providers';
import { errorCode, errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { useQrCode } from '../../../lib/useQrCode';
import { Button, Spinner } from '../../../ui/Button';
import { Badge, Banner, Card, EmptyState, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { INVENTORY_PATHS } from '../paths';
import { AssetForm } from './AssetForm';
import { AttachmentsPanel } from './AttachmentsPanel';
import { formatDay, formatValue, LIFECYCLE_LABELS, STATUS_LABELS, STATUS_TONES } from './labels';
import { downloadAssetLabel } from './restFiles';
import type { AssetDetail } from './types';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-sm wrap-anywhere text-zinc-900">{children}</dd>
    </div>
  );
}

const customValue = (value: unknown) =>
  value === undefined || value === null || value === '' ? '—' : typeof value === 'boolean' ? (value ? 'Sim' : 'Não') : String(value);

/** The QR its label carries (the address of this page) and the label itself as a PDF. */
function LabelCard({ asset }: { asset: AssetDetail }) {
  const session = useSession();
  const toast = useToast();
  const qr = useQrCode(asset.qrText, 176);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      await downloadAssetLabel(session, asset.id);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="flex flex-col items-center gap-3">
      {qr.image ? (
        <img src={qr.image} alt={`QR da etiqueta ${asset.tag}`} className="size-44" />
      ) : (
        <div className="size-44 rounded bg-zinc-100" />
      )}
      <p className="font-mono text-sm font-semibold" data-testid="asset-tag">
        {asset.tag}
      </p>
      <Button busy={busy} onClick={() => void download()}>
        Baixar etiqueta
      </Button>
    </Card>
  );
}

/** An asset's page (where its QR label points): what it is, where it sits, its fields, files, label and recent history. */
export function AssetDetailPage({ assetId }: { assetId: string }) {
  const canWrite = useCan('inventory.assets.write');
  const asset = trpc.inventory.assets.get.useQuery({ id: assetId });
  const [editing, setEditing] = useState(false);

  if (asset.isPending)
    return (
      <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> Carregando…
      </p>
    );
  if (asset.isError) {
    return (
      <div className="space-y-4">
        <PageHeader title={errorCode(asset.error) === 'NOT_FOUND' ? 'Ativo não encontrado' : 'Não foi possível abrir o ativo'} />
        <Banner>{errorMessage(asset.error)}</Banner>
        <Link to={INVENTORY_PATHS.assets} className="text-sm underline">
          Voltar aos ativos
        </Link>
      </div>
    );
  }
  const detail = asset.data;
  const main = (
    <div className="space-y-6">
      <Card>
        <dl className="grid gap-4 sm:grid-cols-2">
          <Fact label="Etiqueta">
            <span className="font-mono">{detail.tag}</span>
          </Fact>
          <Fact label="Situação">
            <Badge tone={STATUS_TONES[detail.status]}>{STATUS_LABELS[detail.status]}</Badge>
          </Fact>
          <Fact label="Categoria">{detail.categoryPath.map((category) => category.name).join(' › ') || '—'}</Fact>
          <Fact label="Localização">{detail.locationPath.map((place) => place.name).join(' › ') || '—'}</Fact>
          <Fact label="Patrimônio">{detail.patrimonio ?? '—'}</Fact>
          <Fact label="Número de série">{detail.serialNumber ?? '—'}</Fact>
          <Fact label="Valor de compra">{formatValue(detail.purchaseValueCents)}</Fact>
          <Fact label="Data de compra">{formatDay(detail.purchaseDate)}</Fact>
          <Fact label="Fornecedor">{detail.supplierName ?? '—'}</Fact>
          <Fact label="Ciclo de vida">{LIFECYCLE_LABELS[detail.lifecycleState]}</Fact>
          {detail.fields.map((field) => (
            <Fact key={field.key} label={field.label}>
              {customValue(detail.customFields[field.key])}
            </Fact>
          ))}
          <Fact label="Cadastrado em">{formatDateTime(detail.createdAt)}</Fact>
        </dl>
        {detail.notes && <p className="mt-4 border-t border-zinc-100 pt-3 text-sm whitespace-pre-wrap text-zinc-700">{detail.notes}</p>}
      </Card>
      <AttachmentsPanel assetId={detail.id} attachments={detail.attachments} />
      <Panel title="Histórico recente">
        <Card>
          {detail.history.length === 0 ? (
            <EmptyState title="Sem histórico ainda" />
          ) : (
            <ol className="space-y-3" aria-label="Histórico do ativo">
              {detail.history.map((entry, index) => (
                <li key={`${entry.at}-${index}`} className="text-sm">
                  <p className="font-medium text-zinc-900">{entry.title}</p>
                  <p className="text-xs text-zinc-500">
                    {formatDateTime(entry.at)}
                    {entry.actor ? ` · ${entry.actor}` : ''}
                    {entry.detail ? ` · ${entry.detail}` : ''}
                  </p>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </Panel>
    </div>
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title={detail.name}
        description={
          <Link to={INVENTORY_PATHS.assets} className="underline-offset-2 hover:underline">
            ← Ativos
          </Link>
        }
        actions={canWrite && !editing && <Button onClick={() => setEditing(true)}>Editar ativo</Button>}
      />
      <WithSideColumn
        main={main}
        side={
          <div className="space-y-6">
            <LabelCard asset={detail} />
            {editing && <AssetForm key={detail.updatedAt} asset={detail} onDone={() => setEditing(false)} />}
          </div>
        }
      />
    </div>
  );
}
