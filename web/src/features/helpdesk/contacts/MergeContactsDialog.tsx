import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { Dialog } from '../../../ui/Dialog';
import { RadioGroup, TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { FormDialog } from '../../../ui/FormDialog';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import type { Contact } from './types';

const SEARCH_DEBOUNCE_MS = 300;

/** Merges a contact with another (the same person under two numbers or names): first the other one, then which of the two is kept. */
export function MergeContactsDialog({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const [other, setOther] = useState<Contact | null>(null);
  if (!other) return <ChooseOtherContact contact={contact} onChoose={setOther} onClose={onClose} />;
  return <ConfirmMerge pair={[contact, other]} onBack={() => setOther(null)} onClose={onClose} />;
}

const nameAndPhone = (contact: Contact) => `${contact.name} (${contact.phone})`;

function ChooseOtherContact({ contact, onChoose, onClose }: { contact: Contact; onChoose: (other: Contact) => void; onClose: () => void }) {
  const [search, setSearch] = useState('');
  const settled = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const found = trpc.helpdesk.contacts.list.useQuery(settled ? { search: settled } : {});
  const candidates = found.data?.items.filter((candidate) => candidate.id !== contact.id);
  return (
    <Dialog
      title={`Mesclar ${contact.name} com…`}
      onClose={onClose}
      testId="merge-contacts-dialog"
      footer={<Button onClick={onClose}>Cancelar</Button>}
    >
      <div className="space-y-3">
        <TextField
          label="Buscar o outro contato"
          type="search"
          placeholder="Nome ou telefone"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          autoFocus
        />
        <ListQueryStatus query={{ ...found, data: candidates }} empty="Nenhum outro contato encontrado" />
        <ul aria-label="Contatos encontrados" className="max-h-64 divide-y divide-zinc-100 overflow-y-auto">
          {candidates?.map((candidate) => (
            <li key={candidate.id} className="flex items-center justify-between gap-2 py-1.5">
              <span className="min-w-0">
                <span className="block truncate font-medium text-zinc-900">{candidate.name}</span>
                <span className="block text-xs text-zinc-500 tabular-nums">{candidate.phone}</span>
              </span>
              <Button size="sm" aria-label={`Escolher ${candidate.name}`} onClick={() => onChoose(candidate)}>
                Escolher
              </Button>
            </li>
          ))}
        </ul>
        {found.data?.nextCursor && <p className="text-xs text-zinc-500">Há mais contatos: refine a busca.</p>}
      </div>
    </Dialog>
  );
}

/** The confirmation: which contact stays, and what happens to the other. The server refuses (409) while both have an active ticket in the same channel. */
function ConfirmMerge({ pair, onBack, onClose }: { pair: [Contact, Contact]; onBack: () => void; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [keptId, setKeptId] = useState(pair[0].id);
  const kept = pair.find((contact) => contact.id === keptId) ?? pair[0];
  const merged = pair.find((contact) => contact.id !== keptId) ?? pair[1];
  const merge = trpc.helpdesk.contacts.merge.useMutation({
    onSuccess: (result) => {
      toast.success(`Contatos mesclados: fica ${result.name}`);
      void utils.helpdesk.contacts.list.invalidate();
      void utils.helpdesk.tickets.list.invalidate();
      void utils.helpdesk.tickets.get.invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title="Mesclar contatos"
      submitLabel="Mesclar contatos"
      mutation={merge}
      fields={[]}
      onSubmit={() => merge.mutate({ sourceId: merged.id, targetId: kept.id })}
      onClose={onClose}
      testId="merge-contacts-dialog"
    >
      <RadioGroup
        legend="Qual contato fica?"
        options={pair.map((contact) => ({ value: contact.id, label: contact.name, description: contact.phone }))}
        value={keptId}
        onChange={(id) => {
          merge.reset();
          setKeptId(id);
        }}
      />
      <p data-testid="merge-summary">
        Fica <strong className="text-zinc-900">{nameAndPhone(kept)}</strong>.{' '}
        <strong className="text-zinc-900">{nameAndPhone(merged)}</strong> deixa de aparecer: os tickets, as mensagens, as etiquetas e as
        observações dele passam para {kept.name}. Não é possível desfazer.
      </p>
      <Button size="sm" tone="ghost" onClick={onBack}>
        Escolher outro contato
      </Button>
    </FormDialog>
  );
}
