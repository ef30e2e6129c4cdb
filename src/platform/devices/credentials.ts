import { randomInt } from 'node:crypto';
import { digestSecret, issueMachineCredential, parseMachineCredential, type MachineCredential } from '../auth/opaque-tokens';

/** The prefix of every device token (`bdev_<lookup prefix>_<secret>`). */
export const DEVICE_TOKEN_KIND = 'bdev';

/** How long an enrollment code lives. */
export const ENROLLMENT_CODE_TTL_MS = 15 * 60_000;

// No 0/O, 1/I/L: a code is read off a screen and typed on a kiosk.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLLMENT_CODE_LENGTH = 8;

/** A new enrollment code: short, typed once, stored only as a digest. */
export function newEnrollmentCode(): { code: string; digest: string } {
  const code = Array.from({ length: ENROLLMENT_CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return { code, digest: enrollmentCodeDigest(code) };
}

/** Codes are compared case-insensitively and without the separators people type (`ABCD-2345`). */
export function normalizeEnrollmentCode(presented: string): string | undefined {
  const code = presented.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== ENROLLMENT_CODE_LENGTH) return undefined;
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return undefined;
  return code;
}

export function enrollmentCodeDigest(code: string): string {
  return digestSecret(`enrollment:${code}`);
}

export function issueDeviceToken(): MachineCredential {
  return issueMachineCredential(DEVICE_TOKEN_KIND);
}

export function isDeviceToken(presented: string): boolean {
  return presented.startsWith(`${DEVICE_TOKEN_KIND}_`);
}

export function parseDeviceToken(presented: string): { prefix: string; digest: string } | undefined {
  const parsed = parseMachineCredential(presented);
  return parsed?.kind === DEVICE_TOKEN_KIND ? parsed : undefined;
}
