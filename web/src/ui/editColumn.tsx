import type { ReactNode } from 'react';
import { Button } from './Button';
import type { Column } from './DataTable';
import { actionsColumn } from './actionsColumn';

/** The actions of a catalogue row: "Editar <nome>" (loads it in the form beside the table), and any more. */
export function editColumn<Row extends { name: string }>(onEdit: (row: Row) => void, more?: (row: Row) => ReactNode): Column<Row> {
  return actionsColumn((row) => (
    <>
      <Button size="sm" aria-label={`Editar ${row.name}`} onClick={() => onEdit(row)}>
        Editar
      </Button>
      {more?.(row)}
    </>
  ));
}
