import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 10,
  pages: [
    {
      key: 'users',
      path: '/usuarios',
      label: 'Usuários e papéis',
      permission: 'identity.users.read',
      component: lazyPage(() => import('./UsersPage'), 'UsersPage'),
    },
  ],
} satisfies FeaturePages;
