import type { Contact } from './types';
import { getQueryKey } from '@trpc/react-query';
import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { TextField } from '../../../ui/Field';
import { Badge, PageHeader } from '../../../ui/Layout';
import { actionsColumn } from '../../../ui/actionsColumn';
import { useHelpdeskLiveQueries } from '../liveEvents';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { ContactDialog } from './ContactDialog';
import { MergeContactsDialog } from './MergeContactsDialog';

/** Everyone who has written in, by name or phone; a first message adds the contact live. */
export function ContactsPage() {
  useHelpdeskLiveQueries();
  const canWrite = useCan('helpdesk.contacts.write');
  const { client } = trpc.useUtils();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Contact | null>(null);
  const [merging, setMerging] = useState<Contact | null>(null);
  const query = search ? { search } : {};
  const contacts = useCursorPages(getQueryKey(trpc.helpdesk.contacts.list, query, 'infinite'), (cursor) =>
    client.helpdesk.contacts.list.query({ ...query, ...(cursor ? { cursor } : {}) }),
  );

  const columns: Column<Contact>[] = [
    { header: 'Nome', cell: (contact) => <span className="font-medium text-zinc-900">{contact.name}</span> },
    { header: 'Telefone', cell: (contact) => <span className="whitespace-nowrap tabular-nums">{contact.phone}</span> },
    { header: 'E-mail', cell: (contact) => <span className="wrap-anywhere">{contact.email ?? '—'}</span> },
    {
      header: 'Etiquetas',
      cell: (contact) => (
        <span className="flex flex-wrap gap-1">
          {contact.tags.length === 0 ? '—' : contact.tags.map((tag) => <Badge key={tag}>{tag}</Badge>)}
        </span>
      ),
    },
    {
      header: 'Observações',
      cell: (contact) => <span className="line-clamp-2 text-xs text-zinc-600">{contact.notes || '—'}</span>,
      className: 'max-w-xs',
    },
    actionsColumn(
      (contact) =>
        canWrite && (
          <>
            <Button size="sm" aria-label={`Editar ${contact.name}`} onClick={() => setEditing(contact)}>
              Editar
            </Button>
            <Button size="sm" aria-label={`Mesclar ${contact.name}`} onClick={() => setMerging(contact)}>
              Mesclar
            </Button>
          </>
        ),
    ),
  ];

  return (
    <>
      <PageHeader title="Contatos" description="As pessoas que falaram com a sua empresa pelos canais de atendimento." />
      <form
        role="search"
        aria-label="Pesquisa de contatos"
        className="flex items-end gap-2 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(draft.trim());
        }}
      >
        <div className="flex-1">
          <TextField
            label="Buscar contato"
            type="search"
            placeholder="Nome ou telefone"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        </div>
        <Button type="submit" tone="primary">
          Buscar
        </Button>
      </form>
      <DataTable
        label="Contatos"
        testId="contacts-table"
        columns={columns}
        rows={contacts.items}
        rowKey={(contact) => contact.id}
        loading={contacts.isPending}
        empty={
          <EmptyOrError query={contacts} title="Nenhum contato encontrado" hint="Os contatos aparecem quando escrevem pela primeira vez." />
        }
      />
      <LoadMoreButton pages={contacts} />
      {editing && <ContactDialog key={editing.id} contact={editing} onClose={() => setEditing(null)} />}
      {merging && <MergeContactsDialog key={merging.id} contact={merging} onClose={() => setMerging(null)} />}
    </>
  );
}
