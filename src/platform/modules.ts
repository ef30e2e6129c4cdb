/** Product modules a tenant can switch on; identity and the platform are always on. */
export const MODULES = ['helpdesk', 'agenda', 'queue', 'usage', 'inventory'] as const;
export type ModuleName = (typeof MODULES)[number];

export const MODULE_LABELS: Record<ModuleName, string> = {
  helpdesk: 'Atendimento',
  agenda: 'Agenda',
  queue: 'Fila',
  usage: 'Uso de IA',
  inventory: 'Inventário',
};

export function isModuleName(value: string): value is ModuleName {
  return (MODULES as readonly string[]).includes(value);
}
