import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { editColumn } from '../../../ui/editColumn';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { usePurchasingLiveQueries } from '../purchases/purchasingLive';
import { SupplierForm, type Supplier } from './SupplierForm';

const columns: Column<Supplier>[] = [
  {
    header: 'Fornecedor',
    cell: (supplier) => (
      <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
        {supplier.name}
        {!supplier.active && <Badge>Inativo</Badge>}
      </span>
    ),
  },
  { header: 'CNPJ', cell: (supplier) => <span className="font-mono text-xs whitespace-nowrap">{supplier.cnpjFormatted}</span> },
  {
    header: 'Contato',
    cell: (supplier) => (
      <div className="text-xs">
        <p className="text-zinc-900">{supplier.contact || '—'}</p>
        <p className="text-zinc-500">{[supplier.email, supplier.phone].filter(Boolean).join(' · ') || '—'}</p>
      </div>
    ),
  },
];

/** Fornecedores: who sells to the company (name, CNPJ, contact), used by quotes, orders and maintenance. */
export function SuppliersPage() {
  usePurchasingLiveQueries();
  const canWrite = useCan('inventory.purchasing.write');
  const [search, setSearch] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  const q = useDebouncedValue(search.trim(), 250);
  const suppliers = trpc.inventory.suppliers.list.useQuery(
    { ...(q ? { q } : {}), includeInactive },
    { placeholderData: (previous) => previous },
  );
  const [editing, setEditing] = useState<Supplier | null>(null);
  return (
    <div className="space-y-6">
      <PageHeader title="Fornecedores" description="Empresas que fornecem ativos e serviços: nome, CNPJ conferido e contato." />
      <form
        aria-label="Busca de fornecedores"
        className="flex flex-wrap items-end gap-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="w-72">
          <TextField label="Buscar por nome ou CNPJ" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <CheckboxField label="Mostrar inativos" checked={includeInactive} onChange={setIncludeInactive} />
      </form>
      <QueryTable
        title="Fornecedores cadastrados"
        testId="suppliers-table"
        query={suppliers}
        columns={canWrite ? [...columns, editColumn<Supplier>(setEditing)] : columns}
        rowKey={(supplier) => supplier.id}
        empty={{ title: 'Nenhum fornecedor', hint: 'Cadastre o primeiro no formulário ao lado.' }}
        form={canWrite && <SupplierForm key={editing?.id ?? 'new'} supplier={editing} onDone={() => setEditing(null)} />}
      />
    </div>
  );
}
