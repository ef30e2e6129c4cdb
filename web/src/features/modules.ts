import type { ComponentType } from 'react';
import type { ModuleName } from '../../../src/platform/modules';

// The module list and labels are plain shared constants (no server code), declared once.
export { MODULE_LABELS } from '../../../src/platform/modules';
export type { ModuleName };

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
