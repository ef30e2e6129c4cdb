import { SelectField, TextField } from '../../../ui/Field';
import { optionsOf, PLANS, USER_STATUSES } from '../labels';
import type { Plan, UserStatus } from '../types';

export interface UserFilterValues {
  search: string;
  status: '' | UserStatus;
  plan: '' | Plan;
  usageAbove: string;
}

export const NO_USER_FILTERS: UserFilterValues = { search: '', status: '', plan: '', usageAbove: '' };

/** The server's filters: empty fields dropped; a percentage that is not a number is ignored. */
export function toUserFilters(values: UserFilterValues) {
  const usageAbove = values.usageAbove.trim() === '' ? Number.NaN : Number(values.usageAbove.replace(',', '.'));
  return {
    ...(values.search.trim() ? { search: values.search.trim() } : {}),
    ...(values.status ? { status: values.status } : {}),
    ...(values.plan ? { plan: values.plan } : {}),
    ...(Number.isFinite(usageAbove) && usageAbove >= 0 && usageAbove <= 1000 ? { usageAbove } : {}),
  };
}

/** Search, status, plan and "uso acima de %": applied as typed (the list waits for the typing to stop). */
export function UserFilters({ values, onChange }: { values: UserFilterValues; onChange: (values: UserFilterValues) => void }) {
  const set = <K extends keyof UserFilterValues>(key: K, value: UserFilterValues[K]) => onChange({ ...values, [key]: value });
  return (
    <form
      aria-label="Filtros de usuários"
      className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-4"
      onSubmit={(event) => event.preventDefault()}
    >
      <TextField
        label="Buscar"
        type="search"
        placeholder="Nome ou e-mail"
        value={values.search}
        onChange={(event) => set('search', event.target.value)}
      />
      <SelectField
        label="Situação"
        options={optionsOf(USER_STATUSES, 'Todas')}
        value={values.status}
        onChange={(event) => set('status', event.target.value as UserFilterValues['status'])}
      />
      <SelectField
        label="Plano"
        options={optionsOf(PLANS, 'Todos')}
        value={values.plan}
        onChange={(event) => set('plan', event.target.value as UserFilterValues['plan'])}
      />
      <TextField
        label="Uso acima de (%)"
        type="number"
        min={0}
        max={1000}
        inputMode="decimal"
        placeholder="80"
        value={values.usageAbove}
        onChange={(event) => set('usageAbove', event.target.value)}
      />
    </form>
  );
}
