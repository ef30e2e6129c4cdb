import { useId, type ChangeEvent } from 'react';
import { useMe } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { useTeam } from '../team';
import { NO_TICKET_FILTERS, type TicketFilterValues } from './filters';

interface TicketFiltersProps {
  values: TicketFilterValues;
  onChange: (values: TicketFilterValues) => void;
  /** Tags of the tickets listed, offered in the tag field (any other can be typed). */
  tags: readonly string[];
}

/** The inbox's filters, applied as they change (the page debounces what is typed). */
export function TicketFilters({ values, onChange, tags }: TicketFiltersProps) {
  const tagListId = useId();
  const me = useMe();
  const team = useTeam();
  const queues = trpc.helpdesk.queues.list.useQuery();
  const bind = (key: keyof TicketFilterValues) => ({
    value: values[key],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange({ ...values, [key]: event.target.value }),
  });
  const queueOptions = [
    { value: '', label: 'Todas as filas' },
    ...(queues.data ?? []).map((queue) => ({ value: queue.id, label: queue.name })),
  ];
  const others = team.members.filter((user) => user.id !== me.user.id).map((user) => ({ value: user.id, label: user.name }));
  const assigneeOptions = [{ value: '', label: 'Qualquer atendente' }, { value: me.user.id, label: 'Comigo' }, ...others];
  const filtering = Object.values(values).some((value) => value.trim() !== '');
  return (
    <div
      role="search"
      aria-label="Filtros do atendimento"
      className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto]"
    >
      <SelectField label="Fila" options={queueOptions} {...bind('queueId')} />
      <SelectField label="Atendente" options={assigneeOptions} {...bind('assigneeId')} />
      <TextField label="Etiqueta" placeholder="vip" list={tagListId} autoComplete="off" {...bind('tag')} />
      <datalist id={tagListId} data-testid="tag-suggestions">
        {tags.map((tag) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
      <TextField label="Busca" type="search" placeholder="Nome, telefone ou #número" {...bind('search')} />
      <div className="flex items-end">
        <Button tone="ghost" disabled={!filtering} onClick={() => onChange(NO_TICKET_FILTERS)}>
          Limpar filtros
        </Button>
      </div>
    </div>
  );
}
