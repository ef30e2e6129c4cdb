import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { fieldErrorsOf, type FieldErrors } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { PLACE_TYPE_LABELS } from '../assets/labels';
import { placeOptions } from '../assets/options';
import type { Place, PlaceType } from '../assets/types';

const FIELDS = ['type', 'name', 'code', 'parentId', 'latitude', 'longitude', 'managerId'];
const NEXT_TYPE: Record<PlaceType, PlaceType> = { unit: 'building', building: 'floor', floor: 'room', room: 'room' };

const valuesOf = (place: Place | null, parent: Place | null) => ({
  type: (place?.type ?? (parent ? NEXT_TYPE[parent.type] : 'unit')) as PlaceType,
  name: place?.name ?? '',
  code: place?.code ?? '',
  parentId: place?.parentId ?? parent?.id ?? '',
  latitude: place?.latitude === null || place === null ? '' : String(place.latitude),
  longitude: place?.longitude === null || place === null ? '' : String(place.longitude),
  managerId: place?.managerId ?? '',
});

/** "-8,05" or "-8.05" → -8.05; blank → null; anything else NaN, refused beside the field. */
const coordinate = (text: string) => (text.trim() ? Number(text.trim().replace(',', '.')) : null);

/** Creates a place (unit → building → floor → room) or edits one: its code, where it sits, its point on the map and who manages it. */
export function LocationForm({
  place,
  parent,
  places,
  onDone,
}: {
  place: Place | null;
  parent: Place | null;
  places: readonly Place[];
  onDone: () => void;
}) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const canSeeUsers = useCan('identity.users.read');
  const users = trpc.users.list.useQuery(undefined, { enabled: canSeeUsers });
  const form = useFormValues(valuesOf(place, parent));
  const [numberErrors, setNumberErrors] = useState<FieldErrors>({});
  const onSuccess = (saved: { name: string }) => {
    toast.success(place ? `${saved.name} salva` : `${saved.name} criada`);
    void utils.inventory.locations.invalidate();
    if (!place) form.replace({ ...valuesOf(null, parent), type: form.values.type, parentId: form.values.parentId });
    onDone();
  };
  const create = trpc.inventory.locations.create.useMutation({ onSuccess });
  const update = trpc.inventory.locations.update.useMutation({ onSuccess });
  const current = place ? update : create;
  const errors: FieldErrors = { ...fieldErrorsOf(current.error), ...numberErrors };
  const submit = () => {
    const { type, name, code, parentId, latitude, longitude, managerId } = form.values;
    const point = { latitude: coordinate(latitude), longitude: coordinate(longitude) };
    const invalid = Object.entries(point).filter(([, value]) => value !== null && !Number.isFinite(value));
    setNumberErrors(Object.fromEntries(invalid.map(([field]) => [field, 'Informe um número, como -8,05'])));
    if (invalid.length > 0) return;
    const input = { type, name, code, parentId: parentId || null, ...point, ...(canSeeUsers ? { managerId: managerId || null } : {}) };
    if (place) update.mutate({ id: place.id, ...input });
    else create.mutate(input);
  };
  const parents = placeOptions(
    places.filter((other) => other.type !== 'room' && other.id !== place?.id),
    'Nenhum (local de topo)',
  );
  return (
    <MutationFormCard
      title={place ? `Editar ${place.name}` : 'Nova localização'}
      submitLabel={place ? 'Salvar localização' : 'Criar localização'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="location-form"
    >
      <SelectField
        label="Tipo de local"
        options={Object.entries(PLACE_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
        {...form.bind('type')}
        error={errors.type}
      />
      <TextField label="Nome da localização" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField
        label="Código"
        autoComplete="off"
        placeholder="BL-A-101"
        {...form.bind('code')}
        error={errors.code}
        hint="Único na empresa."
      />
      <SelectField label="Dentro de" options={parents} {...form.bind('parentId')} error={errors.parentId} />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Latitude" inputMode="decimal" placeholder="-8,0476" {...form.bind('latitude')} error={errors.latitude} />
        <TextField label="Longitude" inputMode="decimal" placeholder="-34,8770" {...form.bind('longitude')} error={errors.longitude} />
      </div>
      {canSeeUsers && (
        <SelectField
          label="Responsável"
          options={[
            { value: '', label: 'Ninguém' },
            ...(users.data ?? []).filter((user) => user.active).map((user) => ({ value: user.id, label: user.name })),
          ]}
          {...form.bind('managerId')}
          error={errors.managerId}
          hint="Aprova movimentações para este local e o que há dentro."
        />
      )}
      {place && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
