import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 40,
  pages: [
    {
      key: 'jobs',
      path: '/tarefas',
      label: 'Execuções de tarefas',
      permission: 'jobs.read',
      component: lazyPage(() => import('./JobsPage'), 'JobsPage'),
    },
  ],
} satisfies FeaturePages;
