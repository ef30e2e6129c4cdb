import type { ComponentType } from 'react';
import type { ModuleName } from '../../../src/platform/modules';
import { AGENDA_PAGES } from './agenda/pages';
import { ChannelsPage } from './helpdesk/channels/ChannelsPage';
import { ContactsPage } from './helpdesk/contacts/ContactsPage';
import { ExternalApiPage } from './helpdesk/external-api/ExternalApiPage';
import { InboxPage } from './helpdesk/inbox/InboxPage';
import { HELPDESK_PATHS } from './helpdesk/paths';
import { QueuesPage } from './helpdesk/queues/QueuesPage';
import { QuickRepliesPage } from './helpdesk/quick-replies/QuickRepliesPage';

// The module list and labels are plain shared constants (no server code), declared once.
export { MODULE_LABELS } from '../../../src/platform/modules';
export type { ModuleName };

/** A dashboard page that belongs to a module: shown only when the module is on and the user may read it. */
export interface ModulePage {
  key: string;
  module: ModuleName;
  path: `/${string}`;
  label: string;
  permission: string;
  component: ComponentType;
}

/** Every module page; each domain adds its pages here as it gets a dashboard. */
export const MODULE_PAGES: readonly ModulePage[] = [
  {
    key: 'helpdeskInbox',
    module: 'helpdesk',
    path: HELPDESK_PATHS.inbox,
    label: 'Atendimento',
    permission: 'helpdesk.tickets.read',
    component: InboxPage,
  },
  {
    key: 'helpdeskContacts',
    module: 'helpdesk',
    path: HELPDESK_PATHS.contacts,
    label: 'Contatos',
    permission: 'helpdesk.contacts.read',
    component: ContactsPage,
  },
  // Everyone who answers uses them (typing /); holders of helpdesk.quickReplies.write also manage them there.
  {
    key: 'helpdeskQuickReplies',
    module: 'helpdesk',
    path: HELPDESK_PATHS.quickReplies,
    label: 'Respostas rápidas',
    permission: 'helpdesk.tickets.read',
    component: QuickRepliesPage,
  },
  // Queues and the helpdesk settings are configuration: for whoever may change them.
  {
    key: 'helpdeskQueues',
    module: 'helpdesk',
    path: HELPDESK_PATHS.queues,
    label: 'Filas',
    permission: 'helpdesk.queues.write',
    component: QueuesPage,
  },
  {
    key: 'helpdeskChannels',
    module: 'helpdesk',
    path: HELPDESK_PATHS.channels,
    label: 'Canais',
    permission: 'helpdesk.channels.read',
    component: ChannelsPage,
  },
  {
    key: 'helpdeskExternalApi',
    module: 'helpdesk',
    path: HELPDESK_PATHS.externalApi,
    label: 'API externa',
    permission: 'helpdesk.apiConfigs.read',
    component: ExternalApiPage,
  },
  ...AGENDA_PAGES,
];
