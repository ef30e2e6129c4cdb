import { SelectField } from '../../ui/Field';
import type { Unit } from './types';

/** The unit a page works on; the first one until another is picked. */
export function UnitSelect({ units, value, onChange }: { units: readonly Unit[]; value: string; onChange: (unitId: string) => void }) {
  return (
    <SelectField
      label="Unidade"
      options={units.map((unit) => ({ value: unit.id, label: unit.active ? unit.name : `${unit.name} (inativa)` }))}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** The picked unit when it still exists, else the first one. */
export const unitOrFirst = (units: readonly Unit[] | undefined, picked: string | null) =>
  units?.find((unit) => unit.id === picked) ?? units?.[0];
