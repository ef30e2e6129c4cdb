import { lazyPage, type FeaturePages } from '../../lib/featurePages';

export default {
  order: 25,
  pages: [
    {
      key: 'devices',
      path: '/dispositivos',
      label: 'Dispositivos',
      permission: 'identity.devices.read',
      component: lazyPage(() => import('./DevicesPage'), 'DevicesPage'),
    },
  ],
} satisfies FeaturePages;
