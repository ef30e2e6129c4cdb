import type { FormEvent } from 'react';
import { useCan } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { CheckboxGroup, SelectField, TextField } from '../../ui/Field';
import { Banner } from '../../ui/Layout';
import { useFormValues } from '../../ui/useFormValues';

type DeviceKind = RouterOutputs['devices']['kinds'][number];
type CreatedDevice = RouterOutputs['devices']['create'];

const FIELDS = ['kind', 'name', 'scopes', 'resource'];
const FORM_ID = 'create-device-form';

/** Kinds whose resource is a queue unit: picked from the units for whoever may read the queue's setup. */
const isQueueKind = (kind: string) => kind.startsWith('queue.');

/** The unit a queue device serves, as a select of the tenant's units. */
function QueueUnitField({ value, onChange, error }: { value: string; onChange: (unitId: string) => void; error?: string | undefined }) {
  const units = trpc.queue.units.list.useQuery();
  return (
    <SelectField
      label="Recurso: unidade"
      options={[
        { value: '', label: units.isPending ? 'Carregando…' : 'Escolha a unidade' },
        ...(units.data ?? []).map((unit) => ({ value: unit.id, label: unit.name })),
      ]}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
      hint="O dispositivo fica vinculado só a esta unidade."
    />
  );
}

/** Kind, name, scopes and (when the kind binds devices to one) the resource of a new device. */
export function CreateDeviceDialog({
  kinds,
  onCreated,
  onClose,
}: {
  kinds: readonly DeviceKind[];
  onCreated: (created: CreatedDevice) => void;
  onClose: () => void;
}) {
  const utils = trpc.useUtils();
  const canReadQueueSetup = useCan('queue.setup.read');
  const form = useFormValues({ kind: kinds[0]?.key ?? '', name: '', scopes: [] as string[], resource: '' });
  const create = trpc.devices.create.useMutation({
    onSuccess: (created) => {
      void utils.devices.list.invalidate();
      onCreated(created);
    },
  });
  const kind = kinds.find((candidate) => candidate.key === form.values.kind);
  const errors = fieldErrorsOf(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, scopes, resource } = form.values;
    create.mutate({
      kind: form.values.kind,
      name,
      scopes: scopes.filter((scope) => kind?.scopes.some((offered) => offered.key === scope)),
      ...(kind?.resource && resource.trim() ? { resource } : {}),
    });
  };
  const error = formErrorOf(create.error, FIELDS);
  return (
    <Dialog
      title="Novo dispositivo"
      onClose={onClose}
      testId="create-device-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancelar
          </Button>
          <Button type="submit" form={FORM_ID} tone="primary" busy={create.isPending}>
            Gerar código
          </Button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={submit} className="space-y-4" aria-label="Novo dispositivo" noValidate>
        {error && <Banner>{error}</Banner>}
        <SelectField
          label="Tipo"
          options={kinds.map((option) => ({ value: option.key, label: option.label }))}
          value={form.values.kind}
          onChange={(event) => {
            form.set('kind', event.target.value);
            form.set('scopes', []);
            form.set('resource', '');
          }}
          error={errors.kind}
        />
        <TextField label="Nome" placeholder="Totem da recepção" autoComplete="off" {...form.bind('name')} error={errors.name} />
        {kind && kind.scopes.length > 0 && (
          <CheckboxGroup
            legend="Escopos"
            options={kind.scopes.map((scope) => ({ value: scope.key, label: scope.key, description: scope.description }))}
            selected={form.values.scopes}
            onChange={(next) => form.set('scopes', next)}
            error={errors.scopes}
          />
        )}
        {kind?.resource && isQueueKind(kind.key) && canReadQueueSetup && (
          <QueueUnitField value={form.values.resource} onChange={(unitId) => form.set('resource', unitId)} error={errors.resource} />
        )}
        {kind?.resource && !(isQueueKind(kind.key) && canReadQueueSetup) && (
          <TextField
            label={`Recurso: ${kind.resource.label}${kind.resource.required ? '' : ' (opcional)'}`}
            autoComplete="off"
            {...form.bind('resource')}
            error={errors.resource}
            hint="O dispositivo fica vinculado só a este recurso."
          />
        )}
      </form>
    </Dialog>
  );
}
