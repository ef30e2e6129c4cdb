import { lazy, type ComponentType } from 'react';
import type { ModuleName } from '../../../src/platform/modules';

/** One page of the dashboard, as its feature declares it. */
export interface FeaturePage {
  /** Unique across the dashboard. */
  key: string;
  path: `/${string}`;
  /** Its link in the sidebar; no label may contain another, so each link is found by its name. */
  label: string;
  /** The permission whose holders see the page. */
  permission: string;
  component: ComponentType;
  /** The page also answers the paths below its own (/atendimento/<ticket>), after any page declared there. */
  subpaths?: boolean;
  /** Where the page used to live: these redirect to it, keeping the query string. */
  formerPaths?: readonly `/${string}`[];
}

/**
 * A full-screen page outside the dashboard: no layout, no sidebar entry and no login (a kiosk, a TV,
 * a customer's phone). It checks whatever credential it needs itself.
 */
export interface BarePage {
  /** Unique across the app. */
  key: string;
  path: `/${string}`;
  component: ComponentType;
}

/** A feature's pages: platform pages (no module) first by `order`, then one sidebar group per module. */
export interface FeaturePages {
  order: number;
  /** Set on module pages: they show only while the tenant has the module on. */
  module?: ModuleName;
  pages: readonly FeaturePage[];
  /** Its full-screen pages, if any. */
  barePages?: readonly BarePage[];
}

/** A page's component, loaded with its own chunk the first time it is opened. */
export function lazyPage<Module extends Record<string, unknown>>(load: () => Promise<Module>, name: keyof Module & string): ComponentType {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
