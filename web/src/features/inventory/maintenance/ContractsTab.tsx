import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { editColumn } from '../../../ui/editColumn';
import { Badge } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { ContractForm } from './ContractForm';
import { formatDay, PRIORITIES, PRIORITY_ORDER, type ContractView } from './labels';

/** The SLA contracts: supplier, dates, and the hours per priority. */
export function ContractsTab() {
  const canWrite = useCan('inventory.maintenance.write');
  const contracts = trpc.inventory.maintenance.contracts.list.useQuery();
  const [editing, setEditing] = useState<ContractView | null>(null);
  const columns: Column<ContractView>[] = [
    {
      header: 'Contrato',
      cell: (contract) => (
        <span className="block min-w-40">
          <span className="block text-zinc-900">{contract.name}</span>
          <span className="text-xs text-zinc-500">{contract.supplier.name}</span>
        </span>
      ),
    },
    {
      header: 'Vigência',
      cell: (contract) => (
        <span className="inline-flex flex-col gap-1">
          <span className="whitespace-nowrap">
            {formatDay(contract.startDate)} – {contract.endDate ? formatDay(contract.endDate) : 'sem fim'}
          </span>
          <Badge tone={contract.inForce ? 'green' : 'zinc'}>{contract.inForce ? 'Vigente' : 'Fora da vigência'}</Badge>
        </span>
      ),
    },
    {
      header: 'SLA (resposta / solução)',
      cell: (contract) => (
        <span className="block text-xs text-zinc-600">
          {PRIORITY_ORDER.map((priority) => (
            <span key={priority} className="block whitespace-nowrap">
              {PRIORITIES[priority].label}: {contract.sla[priority].respondHours} h / {contract.sla[priority].resolveHours} h
            </span>
          ))}
        </span>
      ),
    },
    ...(canWrite ? [editColumn<ContractView>(setEditing)] : []),
  ];
  return (
    <QueryTable
      title="Contratos de manutenção"
      testId="contracts-table"
      query={contracts}
      columns={columns}
      rowKey={(contract) => contract.id}
      empty={{ title: 'Nenhum contrato', hint: 'Um contrato dá às ordens os prazos de resposta e solução do fornecedor.' }}
      form={canWrite && <ContractForm key={editing?.id ?? 'new'} contract={editing} onDone={() => setEditing(null)} />}
    />
  );
}
