import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 50,
  pages: [
    {
      key: 'activity',
      path: '/atividade',
      label: 'Atividade',
      permission: 'events.read',
      component: lazyPage(() => import('./ActivityPage'), 'ActivityPage'),
    },
  ],
} satisfies FeaturePages;
