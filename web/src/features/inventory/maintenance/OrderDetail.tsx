import { useState } from 'react';
import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { centsToInput, formatCents, parseReais } from '../../../lib/money';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { FormDialog } from '../../../ui/FormDialog';
import { Badge, Card, EmptyState } from '../../../ui/Layout';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useActionFeedback, useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { assetPath } from '../paths';
import { formatDay, MOVE_LABELS, ORDER_STATUS, PRIORITIES, priorityOptions, type OrderView } from './labels';
import { SlaClock } from './SlaClock';

/** One order: its SLA clock, the moves it allows, its editable fields while it runs, and its rating once done. */
export function OrderDetail({ orderId, onClose }: { orderId: string; onClose: () => void }) {
  const order = trpc.inventory.maintenance.orders.get.useQuery({ id: orderId });
  if (order.isPending) return <p className="text-sm text-zinc-500">Carregando…</p>;
  if (order.isError) return <EmptyState title={errorMessage(order.error)} />;
  return <OrderCard order={order.data} onClose={onClose} />;
}

function OrderCard({ order, onClose }: { order: OrderView; onClose: () => void }) {
  const canWrite = useCan('inventory.maintenance.write');
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const [completing, setCompleting] = useState(false);
  const move = trpc.inventory.maintenance.orders.move.useMutation({
    onSuccess: () => void utils.inventory.maintenance.orders.invalidate(),
  });
  const running = order.moves.length > 0;
  const facts: [string, string][] = [
    ['Prioridade', PRIORITIES[order.priority].label],
    ['Fornecedor', order.supplier?.name ?? '—'],
    ['Contrato', order.contract?.name ?? '—'],
    ['Aberta em', formatDateTime(order.createdAt)],
    ['Agendada para', formatDateTime(order.scheduledFor)],
    ['Respondida em', formatDateTime(order.respondedAt)],
    ['Encerrada em', formatDateTime(order.closedAt)],
    ['Custo', order.costCents === null ? '—' : formatCents(order.costCents)],
    ...(order.dueDate ? ([['Do plano, vencimento', formatDay(order.dueDate)]] as [string, string][]) : []),
  ];
  return (
    <section aria-label={`OS ${order.number}`} className="space-y-4" data-testid="order-detail">
      <Card className="space-y-4">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 className="text-base font-semibold text-zinc-900">
              OS {order.number} · {order.title}
            </h2>
            <p className="text-sm text-zinc-600">
              <Link to={assetPath(order.asset.id)} className="font-mono underline-offset-2 hover:underline">
                {order.asset.tag}
              </Link>{' '}
              · {order.asset.name}
            </p>
          </div>
          <div className="flex items-center gap-2">
            <Badge tone={ORDER_STATUS[order.status].tone}>{ORDER_STATUS[order.status].label}</Badge>
            <Button size="sm" tone="ghost" onClick={onClose}>
              Fechar
            </Button>
          </div>
        </div>
        <div className="rounded-md bg-zinc-50 px-3 py-2">
          <SlaClock sla={order.sla} />
        </div>
        {order.description && <p className="text-sm whitespace-pre-wrap text-zinc-700">{order.description}</p>}
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs text-zinc-500">{label}</dt>
              <dd className="text-zinc-800">{value}</dd>
            </div>
          ))}
        </dl>
        {canWrite && running && (
          <div className="flex flex-wrap gap-2">
            {order.moves.map((to) =>
              to === 'done' ? (
                <Button key={to} tone="primary" onClick={() => setCompleting(true)}>
                  {MOVE_LABELS[to]}
                </Button>
              ) : (
                <Button
                  key={to}
                  tone={to === 'cancelled' ? 'danger' : 'secondary'}
                  busy={move.isPending && move.variables?.to === to}
                  onClick={() =>
                    void feedback(
                      () => move.mutateAsync({ id: order.id, to }),
                      `OS ${order.number}: ${ORDER_STATUS[to].label.toLowerCase()}`,
                    ).catch(() => undefined)
                  }
                >
                  {MOVE_LABELS[to]}
                </Button>
              ),
            )}
          </div>
        )}
      </Card>
      {completing && <CompleteDialog order={order} onClose={() => setCompleting(false)} />}
      {canWrite && running && <EditOrderForm key={order.id} order={order} />}
      {canWrite && order.canRate && <RatingForm key={`${order.id}-rating`} order={order} />}
      {order.rating !== null && (
        <Card>
          <p className="text-sm text-zinc-700">
            Avaliação: <span className="font-semibold">{'★'.repeat(order.rating)}</span>
            {order.ratingComment && ` · ${order.ratingComment}`}
          </p>
        </Card>
      )}
    </section>
  );
}

/** Done: what it cost, then the order closes and the asset is back in service. */
function CompleteDialog({ order, onClose }: { order: OrderView; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [cost, setCost] = useState(order.costCents === null ? '' : centsToInput(order.costCents));
  const [costError, setCostError] = useState<string | undefined>();
  const move = trpc.inventory.maintenance.orders.move.useMutation({
    onSuccess: () => {
      toast.success(`OS ${order.number} concluída`);
      void utils.inventory.maintenance.orders.invalidate();
      onClose();
    },
  });
  const submit = () => {
    const cents = cost.trim() ? parseReais(cost) : undefined;
    if (cents !== undefined && Number.isNaN(cents)) return setCostError('Custo: informe um valor em reais, como 350,00');
    setCostError(undefined);
    move.mutate({ id: order.id, to: 'done', ...(cents !== undefined ? { costCents: cents } : {}) });
  };
  return (
    <FormDialog
      title={`Concluir a OS ${order.number}`}
      submitLabel="Concluir"
      mutation={move}
      fields={['costCents']}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextField
        label="Custo (R$)"
        inputMode="decimal"
        value={cost}
        onChange={(event) => setCost(event.target.value)}
        error={costError ?? fieldErrorsOf(move.error).costCents}
      />
    </FormDialog>
  );
}

function EditOrderForm({ order }: { order: OrderView }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ title: order.title, description: order.description, priority: order.priority });
  const update = trpc.inventory.maintenance.orders.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`OS ${saved.number} salva`);
      void utils.inventory.maintenance.orders.invalidate();
    },
  });
  const errors = fieldErrorsOf(update.error);
  return (
    <MutationFormCard
      title={`Editar a OS ${order.number}`}
      submitLabel="Salvar ordem"
      mutation={update}
      fields={['title', 'description', 'priority']}
      onSubmit={() => update.mutate({ id: order.id, ...form.values })}
      testId="order-edit-form"
    >
      <TextField label="Título da ordem" autoComplete="off" {...form.bind('title')} error={errors.title} />
      <TextAreaField
        label="Descrição da ordem"
        value={form.values.description}
        onChange={(event) => form.set('description', event.target.value)}
        error={errors.description}
      />
      <SelectField label="Prioridade da ordem" options={priorityOptions} {...form.bind('priority')} error={errors.priority} />
    </MutationFormCard>
  );
}

/** The avaliação (1 to 5) and a comment, once the order is done. */
function RatingForm({ order }: { order: OrderView }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ rating: String(order.rating ?? 5), comment: order.ratingComment });
  const rate = trpc.inventory.maintenance.orders.rate.useMutation({
    onSuccess: () => {
      toast.success('Avaliação registrada');
      void utils.inventory.maintenance.orders.invalidate();
    },
  });
  const errors = fieldErrorsOf(rate.error);
  return (
    <MutationFormCard
      title="Avaliação do serviço"
      submitLabel="Avaliar"
      mutation={rate}
      fields={['rating', 'comment']}
      onSubmit={() => rate.mutate({ id: order.id, rating: Number(form.values.rating), comment: form.values.comment })}
      testId="order-rating-form"
    >
      <SelectField
        label="Nota"
        options={[5, 4, 3, 2, 1].map((value) => ({ value: String(value), label: `${value} ${'★'.repeat(value)}` }))}
        {...form.bind('rating')}
        error={errors.rating}
      />
      <TextAreaField
        label="Comentário"
        value={form.values.comment}
        onChange={(event) => form.set('comment', event.target.value)}
        error={errors.comment}
      />
    </MutationFormCard>
  );
}
