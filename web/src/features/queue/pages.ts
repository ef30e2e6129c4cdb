import { lazyPage, type FeaturePages } from '../../lib/featurePages';
import { QUEUE_PATHS } from './paths';

/** The queue's pages: the operator's panel first (the daily tool), then the statistics and the setup. */
export default {
  order: 300,
  module: 'queue',
  pages: [
    {
      key: 'queuePanel',
      path: QUEUE_PATHS.panel,
      label: 'Painel do operador',
      permission: 'queue.panel',
      component: lazyPage(() => import('./panel/PanelPage'), 'PanelPage'),
    },
    {
      key: 'queueStats',
      path: QUEUE_PATHS.stats,
      label: 'Estatísticas',
      permission: 'queue.stats.read',
      component: lazyPage(() => import('./stats/StatsPage'), 'StatsPage'),
    },
    {
      key: 'queueSetup',
      path: QUEUE_PATHS.setup,
      label: 'Configuração da fila',
      permission: 'queue.setup.read',
      component: lazyPage(() => import('./setup/SetupPage'), 'SetupPage'),
    },
  ],
} satisfies FeaturePages;
