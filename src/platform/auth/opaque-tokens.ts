import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque credentials (refresh tokens, API tokens, later webhook/kiosk/agent tokens): random,
 * shown once, stored only as a SHA-256 digest. Their entropy makes a slow hash unnecessary.
 */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function digestsMatch(expectedHex: string, actualHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = Buffer.from(actualHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A machine credential reads `<kind>_<lookup prefix>_<secret>`; the prefix finds the row without scanning hashes. */
export interface MachineCredential {
  token: string;
  prefix: string;
  digest: string;
}

export function issueMachineCredential(kind: string): MachineCredential {
  const prefix = Array.from(randomBytes(10), (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  const token = `${kind}_${prefix}_${randomSecret(30)}`;
  return { token, prefix, digest: digestSecret(token) };
}

const CREDENTIAL_PATTERN = /^([a-z]+)_([a-z2-9]{10})_([A-Za-z0-9_-]{40})$/;

export function parseMachineCredential(token: string): { kind: string; prefix: string; digest: string } | undefined {
  const match = CREDENTIAL_PATTERN.exec(token);
  if (!match) return undefined;
  return { kind: match[1]!, prefix: match[2]!, digest: digestSecret(token) };
}
