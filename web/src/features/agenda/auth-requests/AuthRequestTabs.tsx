import { AUTH_REQUEST_STATUS_ORDER, AUTH_REQUEST_STATUSES, type AuthRequestStatus } from '../labels';

/** Pendentes / Aprovadas / Rejeitadas / Expiradas. */
export function AuthRequestTabs({ current, onChange }: { current: AuthRequestStatus; onChange: (status: AuthRequestStatus) => void }) {
  return (
    <div role="tablist" aria-label="Situação das autorizações" className="flex gap-1 border-b border-zinc-200">
      {AUTH_REQUEST_STATUS_ORDER.map((status) => {
        const selected = status === current;
        return (
          <button
            key={status}
            type="button"
            role="tab"
            aria-selected={selected}
            onClick={() => onChange(status)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${selected ? 'border-zinc-900 font-medium text-zinc-900' : 'border-transparent text-zinc-500 hover:text-zinc-800'}`}
          >
            {AUTH_REQUEST_STATUSES[status].tab}
          </button>
        );
      })}
    </div>
  );
}
