/**
 * The credential of an enrolled device (kiosk, TV display …): one per device kind, kept in
 * localStorage, traded once for an enrollment code at `POST /api/v1/devices/enroll`.
 */

export interface DeviceCredential {
  deviceId: string;
  token: string;
}

/** The part of Storage used here; localStorage in the browser, a fake in tests. */
export type DeviceStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const KEY_PREFIX = 'balcao.device.';

export function storageKey(kind: string): string {
  return `${KEY_PREFIX}${kind}`;
}

export const ENROLLMENT_CODE_LENGTH = 8;
// The server's alphabet: no 0/O, 1/I/L.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** What people type (`abcd-2345`, spaces) as the server compares it: upper case, no separators. */
export function normalizeEnrollmentCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether a typed code can be a code at all (eight characters of the code alphabet). */
export function isWellFormedEnrollmentCode(typed: string): boolean {
  const code = normalizeEnrollmentCode(typed);
  return code.length === ENROLLMENT_CODE_LENGTH && [...code].every((char) => CODE_ALPHABET.includes(char));
}

function browserStorage(): DeviceStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage disabled (privacy mode, sandboxed frame).
    return null;
  }
}

function isCredential(value: unknown): value is DeviceCredential {
  if (typeof value !== 'object' || value === null) return false;
  const { deviceId, token } = value as Record<string, unknown>;
  return typeof deviceId === 'string' && deviceId !== '' && typeof token === 'string' && token !== '';
}

/** The stored credential of this kind, or null when none (or something unreadable) is stored. */
export function load(kind: string, storage: DeviceStorage | null = browserStorage()): DeviceCredential | null {
  const raw = storage?.getItem(storageKey(kind));
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isCredential(parsed) ? { deviceId: parsed.deviceId, token: parsed.token } : null;
  } catch {
    return null;
  }
}

export function save(kind: string, credential: DeviceCredential, storage: DeviceStorage | null = browserStorage()): void {
  storage?.setItem(storageKey(kind), JSON.stringify({ deviceId: credential.deviceId, token: credential.token }));
}

export function forget(kind: string, storage: DeviceStorage | null = browserStorage()): void {
  storage?.removeItem(storageKey(kind));
}

const ENROLL_URL = '/api/v1/devices/enroll';
const FALLBACK_MESSAGE = 'Não foi possível cadastrar o dispositivo. Tente novamente.';
const NETWORK_MESSAGE = 'Não foi possível falar com o servidor; verifique a conexão.';

/** The message to show for a refused enrollment: the server's own, or the first field error of a 400. */
export function enrollmentErrorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return FALLBACK_MESSAGE;
  const { message, details } = body as { message?: unknown; details?: unknown };
  const fieldErrors = (details as { issues?: { fieldErrors?: Record<string, unknown> } } | null | undefined)?.issues?.fieldErrors;
  for (const messages of Object.values(fieldErrors ?? {})) {
    if (Array.isArray(messages) && typeof messages[0] === 'string') return messages[0];
  }
  return typeof message === 'string' && message !== '' ? message : FALLBACK_MESSAGE;
}

export interface EnrollOptions {
  fingerprint?: string;
  fetch?: typeof fetch;
}

/**
 * Trades an enrollment code for the device's credential. Throws an Error carrying the server's
 * message (invalid or used code, too many attempts, invalid data) or a connection message.
 */
export async function enrollDevice(code: string, name?: string, options: EnrollOptions = {}): Promise<DeviceCredential> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const trimmedName = name?.trim();
  const body = {
    code: normalizeEnrollmentCode(code),
    ...(trimmedName ? { name: trimmedName } : {}),
    ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
  };
  let response: Response;
  try {
    response = await doFetch(ENROLL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(NETWORK_MESSAGE);
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(enrollmentErrorMessage(payload));
  if (!isCredential(payload)) throw new Error(FALLBACK_MESSAGE);
  return { deviceId: payload.deviceId, token: payload.token };
}
