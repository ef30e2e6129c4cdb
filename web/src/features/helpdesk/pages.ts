import { lazyPage, type FeaturePages } from '../../lib/featurePages';
import { HELPDESK_PATHS } from './paths';

export default {
  order: 100,
  module: 'helpdesk',
  pages: [
    // The inbox also opens a ticket's conversation, at /atendimento/<id>.
    {
      key: 'helpdeskInbox',
      path: HELPDESK_PATHS.inbox,
      label: 'Atendimento',
      permission: 'helpdesk.tickets.read',
      component: lazyPage(() => import('./inbox/InboxPage'), 'InboxPage'),
      subpaths: true,
    },
    {
      key: 'helpdeskContacts',
      path: HELPDESK_PATHS.contacts,
      label: 'Contatos',
      permission: 'helpdesk.contacts.read',
      component: lazyPage(() => import('./contacts/ContactsPage'), 'ContactsPage'),
      formerPaths: ['/contatos'],
    },
    // Everyone who answers uses them (typing /); holders of helpdesk.quickReplies.write also manage them there.
    {
      key: 'helpdeskQuickReplies',
      path: HELPDESK_PATHS.quickReplies,
      label: 'Respostas rápidas',
      permission: 'helpdesk.tickets.read',
      component: lazyPage(() => import('./quick-replies/QuickRepliesPage'), 'QuickRepliesPage'),
      formerPaths: ['/respostas-rapidas'],
    },
    // Queues and the helpdesk settings are configuration: for whoever may change them.
    {
      key: 'helpdeskQueues',
      path: HELPDESK_PATHS.queues,
      label: 'Filas',
      permission: 'helpdesk.queues.write',
      component: lazyPage(() => import('./queues/QueuesPage'), 'QueuesPage'),
      formerPaths: ['/filas'],
    },
    {
      key: 'helpdeskChannels',
      path: HELPDESK_PATHS.channels,
      label: 'Canais',
      permission: 'helpdesk.channels.read',
      component: lazyPage(() => import('./channels/ChannelsPage'), 'ChannelsPage'),
      formerPaths: ['/canais'],
    },
    {
      key: 'helpdeskExternalApi',
      path: HELPDESK_PATHS.externalApi,
      label: 'API externa',
      permission: 'helpdesk.apiConfigs.read',
      component: lazyPage(() => import('./external-api/ExternalApiPage'), 'ExternalApiPage'),
      formerPaths: ['/api-externa'],
    },
  ],
} satisfies FeaturePages;
