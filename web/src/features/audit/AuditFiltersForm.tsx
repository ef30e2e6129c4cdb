import { useCan } from '../../app/providers';
import { trpc } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { useFormValues } from '../../ui/useFormValues';
import { NO_FILTERS, type AuditFilterValues } from './filters';

/** The filter bar: edits a draft, applies it on "Filtrar". */
export function AuditFiltersForm({ applied, onApply }: { applied: AuditFilterValues; onApply: (values: AuditFilterValues) => void }) {
  const canListUsers = useCan('identity.users.read');
  const users = trpc.users.list.useQuery(undefined, { enabled: canListUsers });
  const draft = useFormValues(applied);
  const clear = () => {
    draft.replace(NO_FILTERS);
    onApply(NO_FILTERS);
  };
  const actors = [
    { value: '', label: 'Qualquer pessoa' },
    ...(users.data ?? []).map((user) => ({ value: user.id, label: `${user.name} (${user.email})` })),
  ];
  return (
    <form
      aria-label="Filtros da auditoria"
      className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft.values);
      }}
    >
      <TextField label="Ação" placeholder="user.create ou user." {...draft.bind('action')} />
      <TextField label="Entidade" placeholder="user, role, api_token" {...draft.bind('entity')} />
      {canListUsers ? (
        <SelectField label="Quem" options={actors} {...draft.bind('actorId')} />
      ) : (
        <TextField label="Quem (id)" {...draft.bind('actorId')} />
      )}
      <TextField label="De" type="date" {...draft.bind('fromDay')} />
      <TextField label="Até" type="date" {...draft.bind('toDay')} />
      <div className="flex items-end gap-2">
        <Button type="submit" tone="primary">
          Filtrar
        </Button>
        <Button tone="ghost" onClick={clear}>
          Limpar
        </Button>
      </div>
    </form>
  );
}
