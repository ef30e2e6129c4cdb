import { lazyPage, type FeaturePages } from '../../lib/featurePages';

/** The queue's full-screen pages: the kiosk, the TV display and the customer's status page. */
export default {
  order: 90,
  pages: [],
  barePages: [
    { key: 'queueKiosk', path: '/totem', component: lazyPage(() => import('./KioskPage'), 'KioskPage') },
    { key: 'queueDisplay', path: '/painel', component: lazyPage(() => import('./DisplayPage'), 'DisplayPage') },
    { key: 'queuePublicTicket', path: '/senha/:publicCode', component: lazyPage(() => import('./PublicTicketPage'), 'PublicTicketPage') },
  ],
} satisfies FeaturePages;
