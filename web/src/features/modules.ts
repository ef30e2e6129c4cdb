import type { inferRouterOutputs } from '@trpc/server';
import type { ComponentType } from 'react';
import type { AppRouter } from '../../../src/trpc/app-router';

/** The product modules a tenant can switch on, as the server types them. */
export type ModuleName = inferRouterOutputs<AppRouter>['auth']['me']['tenant']['modules'][number];

export const MODULE_LABELS: Record<ModuleName, string> = {
  helpdesk: 'Atendimento',
  agenda: 'Agenda',
  queue: 'Fila',
  usage: 'Uso de IA',
  inventory: 'Inventário',
};

/** A dashboard page that belongs to a module: shown only when the module is on and the user may read it. */
export interface ModulePage {
  key: string;
  module: ModuleName;
  path: `/${string}`;
  label: string;
  permission: string;
  component: ComponentType;
}

/** Every module page; each domain adds its pages here as it gets a dashboard. */
export const MODULE_PAGES: readonly ModulePage[] = [];
