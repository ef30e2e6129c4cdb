import { MODULE_LABELS, type ModuleName } from '../../../src/platform/modules';
import type { BarePage, FeaturePage, FeaturePages } from '../lib/featurePages';

/** Every feature's pages.ts, found by its place: a new feature folder brings its pages along. */
const declared = import.meta.glob<FeaturePages>('./*/pages.ts', { eager: true, import: 'default' });

export interface DashboardPage extends FeaturePage {
  /** The feature folder that declares it. */
  feature: string;
  module?: ModuleName;
}

const moduleRank = (module: ModuleName | undefined) => (module === undefined ? -1 : Object.keys(MODULE_LABELS).indexOf(module));

/** Every page, in the sidebar's order: platform pages first, then each module's in the catalogue's order. */
export const DASHBOARD_PAGES: readonly DashboardPage[] = Object.entries(declared)
  .map(([file, feature]) => ({ name: file.split('/')[1]!, feature }))
  .sort((a, b) => moduleRank(a.feature.module) - moduleRank(b.feature.module) || a.feature.order - b.feature.order)
  .flatMap(({ name, feature }) =>
    feature.pages.map((page) => ({ ...page, feature: name, ...(feature.module ? { module: feature.module } : {}) })),
  );

export interface Redirect {
  from: `/${string}`;
  to: `/${string}`;
}

/** The pages' former paths, each to where the page is now. */
export const REDIRECTS: readonly Redirect[] = DASHBOARD_PAGES.flatMap((page) =>
  (page.formerPaths ?? []).map((from) => ({ from, to: page.path })),
);

/** The full-screen pages, outside the dashboard's layout and login. */
export const BARE_PAGES: readonly BarePage[] = Object.values(declared).flatMap((feature) => feature.barePages ?? []);
