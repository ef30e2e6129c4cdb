import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { SelectField, TextField } from '../../../ui/Field';

const SEARCH_DEBOUNCE_MS = 250;

/** Picks an asset: a search (tag, serial, patrimônio or name) narrows the choices. */
export function AssetSelect({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (assetId: string) => void;
  error?: string | undefined;
}) {
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const assets = trpc.inventory.assets.list.useQuery({ ...(q ? { q } : {}), limit: 50 }, { placeholderData: (previous) => previous });
  const options = [
    { value: '', label: assets.isPending ? 'Carregando…' : 'Escolha o ativo' },
    ...(assets.data?.items ?? []).map((asset) => ({ value: asset.id, label: `${asset.tag} · ${asset.name}` })),
  ];
  return (
    <div className="space-y-2">
      <TextField
        label="Buscar ativo"
        autoComplete="off"
        placeholder="Etiqueta, série ou nome"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <SelectField label="Ativo" options={options} value={value} onChange={(event) => onChange(event.target.value)} error={error} />
    </div>
  );
}
