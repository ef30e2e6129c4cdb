import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import type { Client } from '../labels';

const SEARCH_DEBOUNCE_MS = 300;
const SHOWN = 50;

const describe = (client: Client) => `${client.name} · ${client.phone}`;

/** Finds a client by name or phone and picks one; the one picked stays in the list while the search changes. */
export function ClientPicker({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (client: Client | null) => void;
  error?: string | undefined;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<Client | null>(null);
  const settled = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const found = trpc.agenda.clients.list.useQuery(settled ? { search: settled, limit: SHOWN } : { limit: SHOWN });
  const clients = [...(picked && !found.data?.some((client) => client.id === picked.id) ? [picked] : []), ...(found.data ?? [])];
  const placeholder = found.isPending ? 'Carregando…' : clients.length === 0 ? 'Nenhum cliente encontrado' : 'Escolha o cliente';
  const choose = (id: string) => {
    const client = clients.find((candidate) => candidate.id === id) ?? null;
    setPicked(client);
    onChange(client);
  };
  return (
    <div className="space-y-2">
      <TextField
        label="Buscar cliente"
        type="search"
        placeholder="Nome ou telefone"
        autoComplete="off"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <SelectField
        label="Cliente"
        options={[{ value: '', label: placeholder }, ...clients.map((client) => ({ value: client.id, label: describe(client) }))]}
        value={value}
        onChange={(event) => choose(event.target.value)}
        error={error}
        hint={found.data?.length === SHOWN ? 'Há mais clientes: refine a busca.' : 'Quem ainda não está cadastrado entra em Clientes.'}
      />
    </div>
  );
}
