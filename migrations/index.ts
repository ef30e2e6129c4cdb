import type { Migration } from 'kysely/migration';
import * as platformIdentity from './2026-11-23T1200_platform_identity';

/** Every migration, by name; append new ones (names sort in the order they run). */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1200_platform_identity': platformIdentity,
};
