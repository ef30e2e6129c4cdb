/** The host facts the agent reports, in the words of the page; the rest are shown by their own keys. */
const KNOWN_FACTS: Record<string, { label: string; format?: (value: unknown) => string }> = {
  os: { label: 'Sistema' },
  ip: { label: 'IP' },
  cpuPercent: { label: 'CPU', format: (value) => `${String(value)}%` },
  memoryPercent: { label: 'Memória', format: (value) => `${String(value)}%` },
  diskPercent: { label: 'Disco', format: (value) => `${String(value)}%` },
  uptimeSeconds: { label: 'Ligada há', format: (value) => formatUptime(Number(value)) },
};

function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}

const describe = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** `Sistema: Debian 13`, `CPU: 12%`…: the known facts first, then the others by key. */
export function factLines(facts: Record<string, unknown>): Array<{ label: string; value: string }> {
  const known = Object.entries(KNOWN_FACTS)
    .filter(([key]) => facts[key] !== undefined && facts[key] !== null)
    .map(([key, fact]) => ({ label: fact.label, value: fact.format ? fact.format(facts[key]) : describe(facts[key]) }));
  const others = Object.entries(facts)
    .filter(([key, value]) => !(key in KNOWN_FACTS) && value !== undefined && value !== null)
    .map(([key, value]) => ({ label: key, value: describe(value) }));
  return [...known, ...others];
}
