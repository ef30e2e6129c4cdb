import { getQueryKey } from '@trpc/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useCan, useSession } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField, TextField } from '../../../ui/Field';
import { Badge, Card, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useToast } from '../../../ui/Toast';
import { assetPath } from '../paths';
import { AssetForm } from './AssetForm';
import { ImportDialog } from './ImportDialog';
import { formatValue, STATUS_LABELS, STATUS_TONES } from './labels';
import { categoryOptions, placeOptions } from './options';
import { downloadAssetsCsv, downloadLabelSheet } from './restFiles';
import type { Asset, AssetStatus } from './types';

const SEARCH_DEBOUNCE_MS = 300;
const PAGE_SIZE = 50;
const SORT_OPTIONS = [
  { value: 'recent', label: 'Mais recentes' },
  { value: 'name', label: 'Nome' },
  { value: 'tag', label: 'Etiqueta' },
] as const;
type Sort = (typeof SORT_OPTIONS)[number]['value'];

/** The tenant's assets: search and filters, the list (select some to print their labels), CSV in and out, and the form for a new one. */
export function AssetList() {
  const session = useSession();
  const toast = useToast();
  const canWrite = useCan('inventory.assets.write');
  const categories = trpc.inventory.categories.list.useQuery();
  const places = trpc.inventory.locations.list.useQuery();
  const [search, setSearch] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [locationId, setLocationId] = useState('');
  const [status, setStatus] = useState<AssetStatus | ''>('');
  const [sort, setSort] = useState<Sort>('recent');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<'labels' | 'csv' | null>(null);
  const [importing, setImporting] = useState(false);
  const q = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const filters = useMemo(
    () => ({
      ...(q ? { q } : {}),
      ...(categoryId ? { categoryId } : {}),
      ...(locationId ? { locationId } : {}),
      ...(status ? { status: [status] } : {}),
      sort,
    }),
    [q, categoryId, locationId, status, sort],
  );
  const { client } = trpc.useUtils();
  const assets = useCursorPages(getQueryKey(trpc.inventory.assets.list, filters, 'infinite'), (cursor) =>
    client.inventory.assets.list.query({ ...filters, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  );
  const toggle = (assetId: string, checked: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (checked) next.add(assetId);
      else next.delete(assetId);
      return next;
    });

  const run = async (what: 'labels' | 'csv', action: () => Promise<void>) => {
    setBusy(what);
    try {
      await action();
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const columns: Column<Asset>[] = [
    {
      header: 'Sel.',
      cell: (asset) => (
        <input
          type="checkbox"
          className="size-4 accent-zinc-900"
          aria-label={`Selecionar ${asset.tag}`}
          checked={selected.has(asset.id)}
          onChange={(event) => toggle(asset.id, event.target.checked)}
        />
      ),
    },
    {
      header: 'Ativo',
      cell: (asset) => (
        <div className="min-w-40">
          <Link to={assetPath(asset.id)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
            {asset.name}
          </Link>
          <p className="font-mono text-xs text-zinc-500">{asset.tag}</p>
        </div>
      ),
    },
    { header: 'Categoria', cell: (asset) => asset.categoryName ?? '—' },
    { header: 'Localização', cell: (asset) => asset.locationName ?? '—' },
    {
      header: 'Patrimônio / série',
      cell: (asset) => <span className="text-xs">{[asset.patrimonio, asset.serialNumber].filter(Boolean).join(' · ') || '—'}</span>,
    },
    { header: 'Valor', cell: (asset) => <span className="whitespace-nowrap tabular-nums">{formatValue(asset.purchaseValueCents)}</span> },
    { header: 'Situação', cell: (asset) => <Badge tone={STATUS_TONES[asset.status]}>{STATUS_LABELS[asset.status]}</Badge> },
  ];

  const list = (
    <Panel
      title="Lista de ativos"
      actions={
        <div className="flex flex-wrap gap-2">
          <Button
            disabled={selected.size === 0}
            busy={busy === 'labels'}
            onClick={() => void run('labels', () => downloadLabelSheet(session, [...selected]))}
          >
            Imprimir etiquetas{selected.size > 0 ? ` (${selected.size})` : ''}
          </Button>
          <Button
            busy={busy === 'csv'}
            onClick={() => void run('csv', () => downloadAssetsCsv(session, { ...filters, status: status || undefined }))}
          >
            Exportar CSV
          </Button>
          {canWrite && <Button onClick={() => setImporting(true)}>Importar CSV</Button>}
        </div>
      }
    >
      <Card className="p-4">
        <div className="grid gap-3 md:grid-cols-5">
          <TextField
            label="Buscar"
            placeholder="Etiqueta, série, patrimônio ou nome"
            autoComplete="off"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <SelectField
            label="Filtrar por categoria"
            options={categoryOptions(categories.data, 'Todas')}
            value={categoryId}
            onChange={(event) => setCategoryId(event.target.value)}
          />
          <SelectField
            label="Filtrar por localização"
            options={placeOptions(places.data, 'Todas')}
            value={locationId}
            onChange={(event) => setLocationId(event.target.value)}
          />
          <SelectField
            label="Filtrar por situação"
            options={[{ value: '', label: 'Todas' }, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))]}
            value={status}
            onChange={(event) => setStatus(event.target.value as AssetStatus | '')}
          />
          <SelectField label="Ordem" options={SORT_OPTIONS} value={sort} onChange={(event) => setSort(event.target.value as Sort)} />
        </div>
      </Card>
      <DataTable
        label="Ativos"
        testId="assets-table"
        columns={columns}
        rows={assets.items}
        rowKey={(asset) => asset.id}
        loading={assets.isPending}
        empty={
          <EmptyOrError
            query={assets}
            title="Nenhum ativo encontrado"
            hint={canWrite ? 'Cadastre o primeiro no formulário ao lado.' : undefined}
          />
        }
      />
      <LoadMoreButton pages={assets} />
    </Panel>
  );

  return (
    <div className="space-y-6">
      <PageHeader title="Ativos" description="Tudo o que a empresa tem, com etiqueta, lugar e situação." />
      <WithSideColumn main={list} side={canWrite && <AssetForm asset={null} />} />
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </div>
  );
}
