import type { Migration } from 'kysely/migration';
import * as agenda from './2026-12-04T1200_agenda';
import * as helpdesk from './2026-11-30T1300_helpdesk';
import * as helpdeskMediaRetention from './2026-12-06T1900_helpdesk_media_retention';
import * as platformIdentity from './2026-11-23T1200_platform_identity';
import * as platformDeliveries from './2026-11-30T1200_platform_deliveries';
import * as systemRole from './2026-12-06T1300_system_role';
import * as agendaChatSwitchTime from './2026-12-06T1410_agenda_chat_switch_time';
import * as devices from './2026-12-06T1400_devices';
import * as queue from './2026-12-07T1000_queue';
import * as usage from './2026-12-08T1000_usage';
import * as inventory from './2026-12-09T1000_inventory';
import * as n8nKit from './2026-12-10T1000_n8n_kit';
import * as retention from './2026-12-11T1000_retention';

/** Every migration, by name; append new ones (names sort in the order they run). */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1200_platform_identity': platformIdentity,
  '2026-11-30T1200_platform_deliveries': platformDeliveries,
  '2026-11-30T1300_helpdesk': helpdesk,
  '2026-12-04T1200_agenda': agenda,
  '2026-12-06T1300_system_role': systemRole,
  '2026-12-06T1410_agenda_chat_switch_time': agendaChatSwitchTime,
  '2026-12-06T1900_helpdesk_media_retention': helpdeskMediaRetention,
  '2026-12-06T1400_devices': devices,
  '2026-12-07T1000_queue': queue,
  '2026-12-08T1000_usage': usage,
  '2026-12-09T1000_inventory': inventory,
  '2026-12-10T1000_n8n_kit': n8nKit,
  '2026-12-11T1000_retention': retention,
};
