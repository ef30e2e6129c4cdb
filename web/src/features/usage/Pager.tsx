import { Button } from '../../ui/Button';

interface Pagination {
  page: number;
  totalPages: number;
  total: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** "Anterior / Próxima" under a paged list, with where the list is. */
export function Pager({ pagination, noun, onPage }: { pagination: Pagination | undefined; noun: string; onPage: (page: number) => void }) {
  if (!pagination) return null;
  return (
    <nav aria-label={`Páginas de ${noun}`} className="flex items-center justify-between gap-3 text-sm text-zinc-500">
      <span>
        Página {pagination.page} de {pagination.totalPages} · {pagination.total} {noun}
      </span>
      <span className="flex gap-2">
        <Button size="sm" disabled={!pagination.hasPrev} onClick={() => onPage(pagination.page - 1)}>
          Anterior
        </Button>
        <Button size="sm" disabled={!pagination.hasNext} onClick={() => onPage(pagination.page + 1)}>
          Próxima
        </Button>
      </span>
    </nav>
  );
}
