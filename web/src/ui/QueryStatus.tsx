import { errorMessage } from '../lib/errors';
import { Spinner } from './Button';
import { EmptyState } from './Layout';

interface ListQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: readonly unknown[] | undefined;
}

/** A list's empty state, or the server's message when loading it failed. */
export function EmptyOrError({ query, title, hint }: { query: Pick<ListQuery, 'isError' | 'error'>; title: string; hint?: string }) {
  return query.isError ? <EmptyState title={errorMessage(query.error)} /> : <EmptyState title={title} hint={hint} />;
}

/** What a small list shows instead of its items: loading, the failure, or that there is nothing yet. */
export function ListQueryStatus({ query, empty }: { query: ListQuery; empty: string }) {
  if (query.isPending) {
    return (
      <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> Carregando…
      </p>
    );
  }
  if (query.isError || query.data?.length === 0) return <EmptyOrError query={query} title={empty} />;
  return null;
}
