import type { ReactNode } from 'react';
import { Spinner } from './Button';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  className?: string;
}

interface DataTableProps<Row> {
  label: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string;
  loading?: boolean;
  empty: ReactNode;
  testId?: string;
}

/** The one table: header, rows, and the loading and empty states in the table's own frame. */
export function DataTable<Row>({ label, columns, rows, rowKey, loading = false, empty, testId }: DataTableProps<Row>) {
  const body = (() => {
    if (loading && !rows) {
      return (
        <StateRow span={columns.length}>
          <span className="inline-flex items-center gap-2 text-zinc-500">
            <Spinner /> Carregando…
          </span>
        </StateRow>
      );
    }
    if (!rows || rows.length === 0) return <StateRow span={columns.length}>{empty}</StateRow>;
    return rows.map((row) => (
      <tr key={rowKey(row)} className="align-top hover:bg-zinc-50/60">
        {columns.map((column) => (
          <td key={column.header} className={`px-4 py-3 text-sm text-zinc-700 ${column.className ?? ''}`}>
            {column.cell(row)}
          </td>
        ))}
      </tr>
    ));
  })();
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table aria-label={label} data-testid={testId} className="min-w-full divide-y divide-zinc-200">
        <thead className="bg-zinc-50">
          <tr>
            {columns.map((column) => (
              <th
                key={column.header}
                scope="col"
                className={`px-4 py-2.5 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase ${column.className ?? ''}`}
              >
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{body}</tbody>
      </table>
    </div>
  );
}

function StateRow({ span, children }: { span: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={span} className="px-4 py-10 text-center text-sm text-zinc-500">
        {children}
      </td>
    </tr>
  );
}
