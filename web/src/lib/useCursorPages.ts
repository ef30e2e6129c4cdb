import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/**
 * "Carregar mais" over a keyset-paginated list ({ items, nextCursor }). tRPC's own
 * useInfiniteQuery adds `direction` to the input, which the server's strict input schemas
 * (audit.list, jobs.runs) refuse, so pages are fetched here with just `cursor`. Pass the
 * procedure's tRPC query key, so `utils.<procedure>.invalidate()` refreshes these pages too.
 */
export function useCursorPages<Page extends { items: readonly unknown[]; nextCursor: string | null }>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page>,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page) => last.nextCursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((page) => page.items as Page['items'][number][]);
  return { ...query, items };
}
