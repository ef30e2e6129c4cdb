import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 20,
  pages: [
    {
      key: 'apiTokens',
      path: '/tokens',
      label: 'Tokens de API',
      permission: 'identity.apiTokens.read',
      component: lazyPage(() => import('./ApiTokensPage'), 'ApiTokensPage'),
    },
  ],
} satisfies FeaturePages;
