import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField } from '../../../ui/Field';
import { Badge, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { movementPath } from '../paths';
import type { LoanListItem, LoanView } from './types';

const VIEWS: Record<LoanView, string> = {
  active: 'Em andamento',
  due_soon: 'Vencendo',
  overdue: 'Atrasados',
  all: 'Todos',
};

function LoanState({ loan }: { loan: LoanListItem }) {
  if (loan.overdue) return <Badge tone="red">Atrasado</Badge>;
  if (loan.dueSoon) return <Badge tone="amber">Vence em breve</Badge>;
  if (loan.status === 'active') return <Badge tone="green">Emprestado</Badge>;
  if (loan.status === 'pending') return <Badge tone="blue">Aguardando entrega</Badge>;
  return <Badge>{loan.status === 'returned' ? 'Devolvido' : 'Cancelado'}</Badge>;
}

const columns: Column<LoanListItem>[] = [
  {
    header: 'Ativo',
    cell: (loan) => (
      <Link to={movementPath(loan.movementId)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
        {loan.asset.tag} · {loan.asset.name}
      </Link>
    ),
  },
  { header: 'Tomador', cell: (loan) => loan.borrowerName },
  { header: 'Devolver até', cell: (loan) => <span className="whitespace-nowrap">{formatDateTime(loan.dueDate)}</span> },
  { header: 'Situação', cell: (loan) => <LoanState loan={loan} /> },
];

/** Loans by due date: those out, those due within the reminder days, the late ones. */
export function LoansPanel() {
  const [view, setView] = useState<LoanView>('active');
  const loans = trpc.inventory.loans.list.useQuery({ view, limit: 100 });
  return (
    <Panel
      title="Empréstimos"
      actions={
        <div className="w-48">
          <SelectField
            label="Quais empréstimos"
            options={Object.entries(VIEWS).map(([value, label]) => ({ value, label }))}
            value={view}
            onChange={(event) => setView(event.target.value as LoanView)}
          />
        </div>
      }
    >
      <DataTable
        label="Empréstimos"
        testId="loans-table"
        columns={columns}
        rows={loans.data?.items}
        rowKey={(loan) => loan.id}
        loading={loans.isPending}
        empty={<EmptyOrError query={loans} title="Nenhum empréstimo nesta visão" />}
      />
    </Panel>
  );
}
