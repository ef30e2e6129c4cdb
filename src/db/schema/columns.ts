import type { ColumnType, GeneratedAlways } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 and xid8 columns are read as strings so no precision is ever lost. */
export type Int8Identity = GeneratedAlways<string>;
export type Json<T> = ColumnType<T, T | string, T | string>;
