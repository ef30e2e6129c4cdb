import { useState } from 'react';
import { useCan } from '../../app/providers';
import { formatDateTime, formatRelative } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable, type Column } from '../../ui/DataTable';
import { ConfirmButton } from '../../ui/Dialog';
import { Badge, EmptyState, PageHeader, Panel } from '../../ui/Layout';
import { useActionFeedback } from '../../ui/Toast';
import { CreateDeviceDialog } from './CreateDeviceDialog';
import { EnrollmentCodeDialog } from './EnrollmentCodeDialog';

type Device = RouterOutputs['devices']['list'][number];
type CreatedDevice = RouterOutputs['devices']['create'];

const STATUS: Record<Device['status'], { label: string; tone: 'green' | 'amber' | 'red' | 'zinc' }> = {
  pending: { label: 'Aguardando cadastro', tone: 'amber' },
  expired: { label: 'Código expirado', tone: 'zinc' },
  active: { label: 'Ativo', tone: 'green' },
  revoked: { label: 'Revogado', tone: 'red' },
};

// Last seen moves while the page is open; a light poll keeps it honest.
const REFRESH_MS = 30_000;

/** Dispositivos: kiosks, displays and agents of the company — create (code and QR), list, revoke. */
export function DevicesPage() {
  const canWrite = useCan('identity.devices.write');
  const devices = trpc.devices.list.useQuery(undefined, { refetchInterval: REFRESH_MS });
  const kinds = trpc.devices.kinds.useQuery();
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const revoke = trpc.devices.revoke.useMutation({ onSettled: () => utils.devices.list.invalidate() });
  const renew = trpc.devices.renewEnrollment.useMutation({ onSettled: () => utils.devices.list.invalidate() });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedDevice | null>(null);
  const kindLabel = (key: string) => kinds.data?.find((kind) => kind.key === key)?.label ?? key;

  const columns: Column<Device>[] = [
    {
      header: 'Dispositivo',
      cell: (device) => (
        <div>
          <p className="font-medium text-zinc-900">{device.name}</p>
          <p className="text-xs text-zinc-500">
            {kindLabel(device.kind)}
            {device.resourceId && <span className="font-mono"> · {device.resourceId}</span>}
          </p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (device) => (
        <span data-testid="device-status">
          <Badge tone={STATUS[device.status].tone}>{STATUS[device.status].label}</Badge>
        </span>
      ),
    },
    {
      header: 'Visto por último',
      cell: (device) => (
        <span className="whitespace-nowrap" title={device.lastSeenAt ? formatDateTime(device.lastSeenAt) : undefined}>
          {device.status === 'pending' && device.enrollmentExpiresAt
            ? `código até ${formatDateTime(device.enrollmentExpiresAt)}`
            : formatRelative(device.lastSeenAt)}
        </span>
      ),
    },
    {
      header: 'IP / navegador',
      cell: (device) => (
        <div className="max-w-56 text-xs">
          <p className="font-mono text-zinc-900">{device.lastIp ?? '—'}</p>
          <p className="truncate text-zinc-500" title={device.lastUserAgent ?? undefined}>
            {device.lastUserAgent ?? '—'}
          </p>
        </div>
      ),
    },
    {
      header: 'Escopos',
      cell: (device) => (
        <span className="font-mono text-xs" title={device.scopes.join('\n')}>
          {device.scopes.length === 1 ? device.scopes[0] : `${device.scopes.length} escopos`}
        </span>
      ),
    },
    {
      header: 'Ações',
      className: 'text-right',
      cell: (device) =>
        canWrite && device.status !== 'revoked' ? (
          <div className="flex justify-end gap-2">
            {(device.status === 'pending' || device.status === 'expired') && (
              // A device created ahead (or whose code expired) gets a fresh code; the old one dies.
              <Button
                onClick={() =>
                  feedback(async () => setCreated(await renew.mutateAsync({ id: device.id })), 'Novo código gerado').catch(() => undefined)
                }
              >
                Gerar código
              </Button>
            )}
            <ConfirmButton
              label="Revogar"
              title={`Revogar ${device.name}?`}
              message="O dispositivo perde o acesso na hora e suas conexões abertas são encerradas. Não é possível desfazer."
              confirmLabel="Revogar"
              onConfirm={() => feedback(() => revoke.mutateAsync({ id: device.id }), `${device.name} revogado`)}
            />
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Dispositivos"
        description="Totens, painéis e agentes: cada um entra com um código de uso único e pode ser revogado a qualquer momento."
        actions={
          canWrite && (
            <Button tone="primary" onClick={() => setCreating(true)} disabled={!kinds.data?.length}>
              Novo dispositivo
            </Button>
          )
        }
      />
      <Panel title="Dispositivos">
        <DataTable
          label="Dispositivos"
          testId="devices-table"
          columns={columns}
          rows={devices.data}
          rowKey={(device) => device.id}
          loading={devices.isPending}
          empty={<EmptyState title="Nenhum dispositivo" hint="Cadastre um totem, painel ou agente com um código de uso único." />}
        />
      </Panel>
      {creating && kinds.data && (
        <CreateDeviceDialog
          kinds={kinds.data}
          onClose={() => setCreating(false)}
          onCreated={(device) => {
            setCreating(false);
            setCreated(device);
          }}
        />
      )}
      {created && <EnrollmentCodeDialog created={created} onClose={() => setCreated(null)} />}
    </>
  );
}
