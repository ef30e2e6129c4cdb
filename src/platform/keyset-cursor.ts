import { sql } from 'kysely';
import { DomainError } from './errors';

/**
 * Opaque cursors for keyset pagination over (sort key, id): the client hands back what it got,
 * and a cursor it made up or mangled is a 400, never a query error.
 */
export function encodeKeysetCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeKeysetCursor(cursor: string, sortKeyKind: 'timestamp' | 'text'): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && UUID.test(value[1])) {
      if (sortKeyKind === 'text' || !Number.isNaN(Date.parse(value[0]))) return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'Cursor inválido');
}

/**
 * A timestamptz as text with all its microseconds, for a cursor: a JS Date keeps milliseconds,
 * and rows written in the same millisecond would be skipped at a page boundary.
 */
export function exactTimestamp(column: string) {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
