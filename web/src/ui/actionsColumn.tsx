import type { ReactNode } from 'react';
import type { Column } from './DataTable';

/** The last column of a list: the row's buttons, stacked at the right. */
export function actionsColumn<Row>(actionsOf: (row: Row) => ReactNode): Column<Row> {
  return {
    header: 'Ações',
    className: 'text-right',
    cell: (row) => <div className="flex flex-col items-end gap-1.5">{actionsOf(row)}</div>,
  };
}
