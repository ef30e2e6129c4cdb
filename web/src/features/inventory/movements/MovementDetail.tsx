import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, Banner, Card, PageHeader, Panel } from '../../../ui/Layout';
import { assetPath, INVENTORY_PATHS } from '../paths';
import { isLoanType, STATUS_LABELS, STATUS_TONES, STEP_LABELS, TYPE_LABELS } from './labels';
import { MovementActions } from './MovementActions';
import { MovementTarget } from './MovementTarget';
import { TermPanel } from './TermPanel';
import type { MovementView } from './types';

type Step = MovementView['steps'][number];

const stepColumns: Column<Step>[] = [
  { header: 'Quando', cell: (step) => <span className="whitespace-nowrap">{formatDateTime(step.at)}</span> },
  { header: 'Passo', cell: (step) => STEP_LABELS[step.action] ?? step.action },
  {
    header: 'Situação',
    cell: (step) => (
      <span className="whitespace-nowrap">
        {step.fromStatus ? `${STATUS_LABELS[step.fromStatus]} → ` : ''}
        {STATUS_LABELS[step.toStatus]}
      </span>
    ),
  },
  { header: 'Quem', cell: (step) => step.actorLabel },
  { header: 'Observação', cell: (step) => step.note || '—' },
  { header: 'IP', cell: (step) => <span className="font-mono text-xs">{step.ip ?? '—'}</span> },
];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

/** One movement: what it is, what the viewer may do now, its term (loans) and its trail. */
export function MovementDetail({ movementId }: { movementId: string }) {
  const query = trpc.inventory.movements.get.useQuery({ id: movementId }, { retry: false });
  const back = (
    <Link to={INVENTORY_PATHS.movements} className="text-sm text-zinc-600 underline-offset-2 hover:underline">
      ← Movimentações
    </Link>
  );
  if (query.isPending)
    return (
      <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> Carregando…
      </p>
    );
  if (query.isError)
    return (
      <div className="space-y-4">
        {back}
        <PageHeader title="Movimentação" />
        <Banner>{errorMessage(query.error)}</Banner>
      </div>
    );
  const movement = query.data;
  const loan = movement.loanDetails;
  return (
    <div className="space-y-6">
      {back}
      <PageHeader
        title={`${TYPE_LABELS[movement.type]} · ${movement.asset.tag}`}
        description={movement.asset.name}
        actions={<MovementActions movement={movement} />}
      />
      <Card>
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Fact label="Situação">
            <Badge tone={STATUS_TONES[movement.status]}>
              <span data-testid="movement-status">{STATUS_LABELS[movement.status]}</span>
            </Badge>
          </Fact>
          <Fact label="Ativo">
            <Link to={assetPath(movement.asset.id)} className="underline-offset-2 hover:underline">
              {movement.asset.tag} · {movement.asset.name}
            </Link>
          </Fact>
          <Fact label={isLoanType(movement.type) ? 'Tomador e prazo' : 'De → para'}>
            <MovementTarget movement={movement} />
          </Fact>
          <Fact label="Pedido por">
            {movement.requester?.name ?? '—'} em {formatDateTime(movement.createdAt)}
          </Fact>
          <Fact label="Decidido por">
            {movement.approver ? `${movement.approver.name ?? '—'} em ${formatDateTime(movement.decidedAt)}` : '—'}
          </Fact>
          <Fact label="Motivo">{movement.reason || '—'}</Fact>
          {movement.decisionNote && <Fact label="Observação da decisão">{movement.decisionNote}</Fact>}
          {loan && (
            <>
              <Fact label="Contato do tomador">{[loan.document, loan.email, loan.phone].filter(Boolean).join(' · ') || '—'}</Fact>
              <Fact label="Entregue em">{formatDateTime(loan.startDate)}</Fact>
              <Fact label="Devolvido em">
                {formatDateTime(loan.returnedAt)}
                {loan.returnCondition ? ` — ${loan.returnCondition}` : ''}
              </Fact>
            </>
          )}
        </dl>
      </Card>
      {isLoanType(movement.type) && <TermPanel movement={movement} />}
      <Panel title="Trilha" description="Cada passo, com quem o deu, de onde e quando.">
        <DataTable
          label="Trilha da movimentação"
          testId="movement-trail"
          columns={stepColumns}
          rows={movement.steps}
          rowKey={(step) => step.id}
          empty="—"
        />
      </Panel>
    </div>
  );
}
