import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 30,
  pages: [
    {
      key: 'audit',
      path: '/auditoria',
      label: 'Auditoria',
      permission: 'audit.read',
      component: lazyPage(() => import('./AuditPage'), 'AuditPage'),
    },
  ],
} satisfies FeaturePages;
