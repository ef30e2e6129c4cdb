import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { categoryOptions } from '../assets/options';
import type { Category } from '../assets/types';
import { CustomFieldsEditor, fromDraft, toDraft, type FieldDraft } from './CustomFieldsEditor';

const FIELDS = ['name', 'parentId', 'customFields'];

/** Creates a category, or edits the one picked: its name, where it sits in the tree and the fields it gives its assets. */
export function CategoryForm({
  category,
  categories,
  onDone,
}: {
  category: Category | null;
  categories: readonly Category[];
  onDone: () => void;
}) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [name, setName] = useState(category?.name ?? '');
  const [parentId, setParentId] = useState(category?.parentId ?? '');
  const [drafts, setDrafts] = useState<FieldDraft[]>(() => (category?.customFields ?? []).map(toDraft));
  const onSuccess = () => {
    toast.success(category ? `Categoria ${name} salva` : `Categoria ${name} criada`);
    void utils.inventory.categories.invalidate();
    if (!category) {
      setName('');
      setDrafts([]);
    }
    onDone();
  };
  const create = trpc.inventory.categories.create.useMutation({ onSuccess });
  const update = trpc.inventory.categories.update.useMutation({ onSuccess });
  const current = category ? update : create;
  const errors = fieldErrorsOf(current.error);
  // A category cannot sit under itself or below it: those are left out of the choices.
  const below = new Set(
    category
      ? categories
          .filter(
            (other) => other.path.slice(0, category.path.length).join('/') === category.path.join('/') && other.depth >= category.depth,
          )
          .map((other) => other.id)
      : [],
  );
  const parents = categoryOptions(
    categories.filter((other) => !below.has(other.id)),
    'Nenhuma (categoria principal)',
  );
  const submit = () => {
    const input = { name, parentId: parentId || null, customFields: drafts.map(fromDraft) };
    if (category) update.mutate({ id: category.id, ...input });
    else create.mutate(input);
  };
  return (
    <MutationFormCard
      title={category ? `Editar ${category.name}` : 'Nova categoria'}
      submitLabel={category ? 'Salvar categoria' : 'Criar categoria'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="category-form"
    >
      <TextField
        label="Nome da categoria"
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />
      <SelectField
        label="Categoria mãe"
        options={parents}
        value={parentId}
        onChange={(event) => setParentId(event.target.value)}
        error={errors.parentId}
      />
      {category && category.inheritedFields.length > 0 && (
        <p className="text-xs text-zinc-500">Herda: {category.inheritedFields.map((field) => field.label).join(', ')}</p>
      )}
      <CustomFieldsEditor drafts={drafts} onChange={setDrafts} error={errors.customFields} />
      {category && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
