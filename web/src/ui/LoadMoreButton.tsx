import { Button } from './Button';

interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** "Carregar mais" under a keyset-paged list, while there is a next page. */
export function LoadMoreButton({ pages, label = 'Carregar mais' }: { pages: PagedQuery; label?: string }) {
  if (!pages.hasNextPage) return null;
  return (
    <div className="flex justify-center">
      <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        {label}
      </Button>
    </div>
  );
}
