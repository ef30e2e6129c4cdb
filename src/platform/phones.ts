import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneNormalisation = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * E.164 for a phone as people and providers write it. Digits without a `+` are read as
 * international first (providers send `5511999998888`), then as national in the tenant's
 * country. Brazilian mobiles written without the ninth digit (`55 11 8888-7777`, as WhatsApp
 * still reports some accounts) gain it, so one person is one contact however they are written.
 */
export function normalisePhone(raw: string, defaultCountry: CountryCode = 'BR'): PhoneNormalisation {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 40 || /[^\d\s()+.\-/]/.test(trimmed)) {
    return { ok: false, reason: 'Número de telefone inválido' };
  }
  const digits = trimmed.replace(/\D/g, '');
  const international = trimmed.startsWith('+') || trimmed.startsWith('00');
  const candidates = international
    ? [parsePhoneNumberFromString(`+${digits.replace(/^00/, '')}`)]
    : [parsePhoneNumberFromString(`+${digits}`), parsePhoneNumberFromString(digits, defaultCountry)];
  const phone = candidates.find((candidate) => candidate?.isValid());
  if (!phone) return { ok: false, reason: 'Número de telefone inválido' };
  return { ok: true, e164: withBrazilianNinthDigit(phone.number) };
}

/** +55 AA 8888-7777 (a mobile range written with 8 digits) → +55 AA 98888-7777. */
function withBrazilianNinthDigit(e164: string): string {
  const match = /^\+55(\d{2})([6-9]\d{7})$/.exec(e164);
  return match ? `+55${match[1]}9${match[2]}` : e164;
}
