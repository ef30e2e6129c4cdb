import { useNavigate } from 'react-router';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { CheckboxGroup, SelectField, TextField, type Option } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { auditPath } from '../paths';

const FIELDS = ['name', 'scope', 'locationId', 'categoryIds'];
const EMPTY = { name: '', locationId: '', categoryIds: [] as string[] };
const indent = (depth: number) => '\u00a0\u00a0'.repeat(depth);

/** A new audit (a draft): its name and what it counts, a location with everything under it and/or categories with theirs. */
export function NewAuditForm() {
  const toast = useToast();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const form = useFormValues(EMPTY);
  const locations = trpc.inventory.locations.list.useQuery();
  const categories = trpc.inventory.categories.list.useQuery();
  const create = trpc.inventory.audits.create.useMutation({
    onSuccess: (audit) => {
      toast.success(`Inventário criado: ${audit.name}`);
      form.reset();
      void utils.inventory.audits.list.invalidate();
      void navigate(auditPath(audit.id));
    },
  });
  const errors = fieldErrorsOf(create.error);
  const locationOptions: Option[] = [
    { value: '', label: 'Todos os locais' },
    ...(locations.data ?? []).map((location) => ({
      value: location.id,
      label: `${indent(location.depth)}${location.name} (${location.code})`,
    })),
  ];
  const submit = () => {
    const { name, locationId, categoryIds } = form.values;
    create.mutate({
      name,
      scope: { ...(locationId ? { locationId } : {}), ...(categoryIds.length ? { categoryIds } : {}) },
    });
  };
  return (
    <MutationFormCard
      title="Novo inventário"
      description="A lista do que se espera encontrar é congelada quando o inventário começa."
      submitLabel="Criar inventário"
      mutation={create}
      fields={FIELDS}
      onSubmit={submit}
      testId="audit-form"
    >
      <TextField
        label="Nome do inventário"
        autoComplete="off"
        placeholder="Inventário anual 2026"
        {...form.bind('name')}
        error={errors.name}
      />
      <SelectField
        label="Local (com os sublocais)"
        options={locationOptions}
        {...form.bind('locationId')}
        error={errors.locationId ?? errors.scope}
      />
      <CheckboxGroup
        legend="Categorias (com as subcategorias; nenhuma: todas)"
        options={(categories.data ?? []).map((category) => ({ value: category.id, label: `${indent(category.depth)}${category.name}` }))}
        selected={form.values.categoryIds}
        onChange={(next) => form.set('categoryIds', next)}
        error={errors.categoryIds}
      />
    </MutationFormCard>
  );
}
