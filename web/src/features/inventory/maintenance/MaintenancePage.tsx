import { useSearchParams } from 'react-router';
import { Button } from '../../../ui/Button';
import { PageHeader } from '../../../ui/Layout';
import { ContractsTab } from './ContractsTab';
import { useMaintenanceLiveQueries } from './liveEvents';
import { OrdersTab } from './OrdersTab';
import { PlansTab } from './PlansTab';

const TABS = { ordens: 'Ordens de serviço', planos: 'Planos', contratos: 'Contratos' } as const;
type Tab = keyof typeof TABS;

/** Manutenção: orders with their live SLA clock, the plans that open orders, and the SLA contracts (?aba=…, ?ordem=<id>). */
export function MaintenancePage() {
  useMaintenanceLiveQueries();
  const [params, setParams] = useSearchParams();
  const asked = params.get('aba') ?? '';
  const tab: Tab = asked in TABS ? (asked as Tab) : 'ordens';
  const openOrderId = params.get('ordem');
  const go = (next: Record<string, string>) => setParams(next);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Manutenção"
        description="Ordens de serviço com o relógio do SLA, planos que abrem ordens no dia e contratos com prazos por prioridade."
      />
      <div role="group" aria-label="Seções da manutenção" className="flex flex-wrap gap-1">
        {(Object.keys(TABS) as Tab[]).map((key) => (
          <Button
            key={key}
            size="sm"
            tone={key === tab ? 'primary' : 'secondary'}
            aria-pressed={key === tab}
            onClick={() => go({ aba: key })}
          >
            {TABS[key]}
          </Button>
        ))}
      </div>
      {tab === 'ordens' && (
        <OrdersTab openOrderId={openOrderId} onOpen={(orderId) => go(orderId ? { aba: 'ordens', ordem: orderId } : { aba: 'ordens' })} />
      )}
      {tab === 'planos' && <PlansTab />}
      {tab === 'contratos' && <ContractsTab />}
    </div>
  );
}
