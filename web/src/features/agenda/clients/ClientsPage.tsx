import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { TextField } from '../../../ui/Field';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { editColumn } from '../../../ui/editColumn';
import type { Client } from '../labels';
import { useAgendaLiveQueries } from '../liveEvents';
import { formatDate } from '../zonedTime';
import { ClientForm } from './ClientForm';

const SEARCH_DEBOUNCE_MS = 300;
const SHOWN = 200;

/** The people the agenda books, found by name or phone; new ones from n8n or the chat show up live. */
export function ClientsPage() {
  useAgendaLiveQueries();
  const canWrite = useCan('agenda.catalogue.write');
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Client | null>(null);
  const settled = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const clients = trpc.agenda.clients.list.useQuery(settled ? { search: settled, limit: SHOWN } : { limit: SHOWN });

  const columns: Column<Client>[] = [
    { header: 'Nome', cell: (client) => <span className="font-medium text-zinc-900">{client.name}</span> },
    { header: 'Telefone', cell: (client) => <span className="whitespace-nowrap tabular-nums">{client.phone}</span> },
    { header: 'E-mail', cell: (client) => <span className="wrap-anywhere">{client.email ?? '—'}</span> },
    {
      header: 'Aniversário',
      cell: (client) => (client.birthday ? formatDate(client.birthday, { day: '2-digit', month: '2-digit' }) : '—'),
    },
    {
      header: 'Observações',
      cell: (client) => <span className="line-clamp-2 text-xs text-zinc-600">{client.notes || '—'}</span>,
      className: 'max-w-xs',
    },
    {
      header: 'Mensagens',
      cell: (client) => (client.optedOut ? <Badge tone="red">Não recebe</Badge> : <Badge tone="green">Recebe</Badge>),
    },
    ...(canWrite ? [editColumn<Client>(setEditing)] : []),
  ];

  return (
    <>
      <PageHeader title="Clientes" description="Quem a agenda atende. Os agentes e o n8n cadastram novos clientes pelo telefone." />
      <div role="search" aria-label="Pesquisa de clientes" className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
        <TextField
          label="Buscar cliente"
          type="search"
          placeholder="Nome ou telefone"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <QueryTable
        title="Clientes"
        testId="clients-table"
        query={clients}
        columns={columns}
        rowKey={(client) => client.id}
        empty={{ title: settled ? 'Nenhum cliente encontrado' : 'Nenhum cliente cadastrado', hint: 'Cadastre no formulário ao lado.' }}
        form={canWrite && <ClientForm key={editing?.id ?? 'new'} client={editing} onDone={() => setEditing(null)} />}
      />
      {clients.data?.length === SHOWN && <p className="text-xs text-zinc-500">Mostrando os {SHOWN} primeiros: refine a busca.</p>}
    </>
  );
}
