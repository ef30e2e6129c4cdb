import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Button } from '../../../ui/Button';
import { Badge } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { formatDay, PERIOD_LABELS, PRIORITIES, type PlanView } from './labels';
import { PlanForm } from './PlanForm';

const periodText = (plan: PlanView) => (plan.period === 'interval' ? `A cada ${plan.intervalDays} dia(s)` : PERIOD_LABELS.date);

/** The maintenance plans: when each runs next, and the form that creates or edits one. */
export function PlansTab() {
  const canWrite = useCan('inventory.maintenance.write');
  const plans = trpc.inventory.maintenance.plans.list.useQuery({});
  const [editing, setEditing] = useState<PlanView | null>(null);
  const columns: Column<PlanView>[] = [
    {
      header: 'Plano',
      cell: (plan) => (
        <span className="block min-w-40">
          <span className="block text-zinc-900">{plan.title}</span>
          <span className="text-xs text-zinc-500">
            {plan.asset.tag} · {plan.asset.name}
          </span>
        </span>
      ),
    },
    { header: 'Periodicidade', cell: periodText },
    { header: 'Próxima', cell: (plan) => (plan.active ? formatDay(plan.nextRun) : <Badge>Encerrado</Badge>) },
    { header: 'Última', cell: (plan) => formatDay(plan.lastRun) },
    { header: 'Prioridade', cell: (plan) => PRIORITIES[plan.priority].label },
    { header: 'Contrato', cell: (plan) => plan.contract?.name ?? '—' },
    ...(canWrite
      ? [
          actionsColumn<PlanView>((plan) => (
            <Button size="sm" aria-label={`Editar ${plan.title}`} onClick={() => setEditing(plan)}>
              Editar
            </Button>
          )),
        ]
      : []),
  ];
  return (
    <QueryTable
      title="Planos de manutenção"
      testId="plans-table"
      query={plans}
      columns={columns}
      rowKey={(plan) => plan.id}
      empty={{ title: 'Nenhum plano de manutenção', hint: 'Crie um plano por intervalo (a cada N dias) ou por data.' }}
      form={canWrite && <PlanForm key={editing?.id ?? 'new'} plan={editing} onDone={() => setEditing(null)} />}
    />
  );
}
