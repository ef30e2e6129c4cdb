import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { EditDeleteButtons } from '../../../ui/EditableRows';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { FIELD_TYPE_LABELS } from '../assets/labels';
import { useAssetsLiveQueries } from '../assets/liveEvents';
import type { Category } from '../assets/types';
import { CategoryForm } from './CategoryForm';

/** The category tree, with the fields each one gives its assets (and its subcategories' assets). */
export function CategoriesPage() {
  useAssetsLiveQueries();
  const canWrite = useCan('inventory.assets.write');
  const utils = trpc.useUtils();
  const categories = trpc.inventory.categories.list.useQuery({ withCounts: true });
  const remove = trpc.inventory.categories.delete.useMutation({ onSuccess: () => void utils.inventory.categories.invalidate() });
  const [editing, setEditing] = useState<Category | null>(null);

  const columns: Column<Category>[] = [
    {
      header: 'Categoria',
      cell: (category) => (
        <span className="font-medium text-zinc-900" style={{ paddingLeft: `${category.depth * 1.25}rem` }}>
          {category.depth > 0 && <span className="text-zinc-400">↳ </span>}
          {category.name}
        </span>
      ),
    },
    {
      header: 'Campos',
      cell: (category) => (
        <div className="flex flex-wrap gap-1">
          {category.customFields.map((field) => (
            <Badge key={field.key} tone={field.required ? 'blue' : 'zinc'}>
              {field.label} · {FIELD_TYPE_LABELS[field.type].toLowerCase()}
            </Badge>
          ))}
          {category.inheritedFields.length > 0 && (
            <span className="text-xs text-zinc-500">+ {category.inheritedFields.length} herdado(s)</span>
          )}
          {category.customFields.length === 0 && category.inheritedFields.length === 0 && '—'}
        </div>
      ),
    },
    { header: 'Ativos', cell: (category) => <span className="tabular-nums">{category.assetCount}</span> },
    ...(canWrite
      ? [
          actionsColumn<Category>((category) => (
            <EditDeleteButtons
              name={category.name}
              confirmTitle={`Excluir ${category.name}?`}
              confirmMessage="Só uma categoria vazia (sem subcategorias nem ativos) pode ser excluída."
              deleted={`Categoria ${category.name} excluída`}
              onEdit={() => setEditing(category)}
              onDelete={async () => {
                await remove.mutateAsync({ id: category.id });
                if (editing?.id === category.id) setEditing(null);
              }}
            />
          )),
        ]
      : []),
  ];

  return (
    <div className="space-y-6">
      <PageHeader title="Categorias" description="Uma árvore: cada categoria passa seus campos às subcategorias." />
      <QueryTable
        title="Árvore de categorias"
        testId="categories-table"
        query={categories}
        columns={columns}
        rowKey={(category) => category.id}
        empty={{ title: 'Nenhuma categoria', hint: 'Crie a primeira no formulário ao lado.' }}
        form={
          canWrite && (
            <CategoryForm
              key={editing?.id ?? 'new'}
              category={editing}
              categories={categories.data ?? []}
              onDone={() => setEditing(null)}
            />
          )
        }
      />
    </div>
  );
}
