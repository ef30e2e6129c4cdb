import type { ReactNode } from 'react';
import { DataTable, type Column } from './DataTable';
import { Panel, WithSideColumn } from './Layout';
import { EmptyOrError } from './QueryStatus';

interface QueryTableProps<Row> {
  /** The panel's title and the table's accessible name. */
  title: string;
  testId: string;
  query: { data?: readonly Row[] | undefined; isPending: boolean; isError: boolean; error: unknown };
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  empty: { title: string; hint?: string };
  /** Beside the table: the form that adds to it, for those who may. */
  form: ReactNode;
}

/** A page's main list: the rows of a list query in a titled table (loading, empty or failed in its frame), with its form beside it. */
export function QueryTable<Row>({ title, testId, query, columns, rowKey, empty, form }: QueryTableProps<Row>) {
  const table = (
    <DataTable
      label={title}
      testId={testId}
      columns={columns}
      rows={query.data}
      rowKey={rowKey}
      loading={query.isPending}
      empty={<EmptyOrError query={query} {...empty} />}
    />
  );
  return <WithSideColumn main={<Panel title={title}>{table}</Panel>} side={form} />;
}
