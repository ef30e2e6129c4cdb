/** What a TV display says aloud for a call, in pt-BR: "Senha A zero quatro dois, guichê três." */

const DIGIT_WORDS = ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'];
const UNDER_TWENTY = [
  'zero',
  'um',
  'dois',
  'três',
  'quatro',
  'cinco',
  'seis',
  'sete',
  'oito',
  'nove',
  'dez',
  'onze',
  'doze',
  'treze',
  'quatorze',
  'quinze',
  'dezesseis',
  'dezessete',
  'dezoito',
  'dezenove',
];
const TENS = ['', '', 'vinte', 'trinta', 'quarenta', 'cinquenta', 'sessenta', 'setenta', 'oitenta', 'noventa'];

/** A number from 0 to 99 as pt-BR words ("vinte e um"); larger ones stay as digits, which speech reads well enough. */
export function cardinalWords(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 99) return String(value);
  if (value < 20) return UNDER_TWENTY[value]!;
  const units = value % 10;
  const tens = TENS[Math.floor(value / 10)]!;
  return units === 0 ? tens : `${tens} e ${UNDER_TWENTY[units]!}`;
}

/** A ticket code read out character by character: letters as letters, each digit as its word ("A-042" → "A zero quatro dois"). */
export function spokenCode(code: string): string {
  return [...code]
    .map((char) => (/\d/.test(char) ? DIGIT_WORDS[Number(char)]! : /\p{L}/u.test(char) ? char.toUpperCase() : ''))
    .filter((word) => word !== '')
    .join(' ');
}

export interface AnnouncedCall {
  code: string;
  deskNumber: number | null;
  deskName: string | null;
}

/** The sentence spoken for a call; the desk by its number in words, or by its name when it has none. */
export function callAnnouncement(call: AnnouncedCall): string {
  const desk = call.deskNumber !== null ? `guichê ${cardinalWords(call.deskNumber)}` : call.deskName?.trim();
  return desk ? `Senha ${spokenCode(call.code)}, ${desk}.` : `Senha ${spokenCode(call.code)}.`;
}

/** The desk as the screen shows it: "Guichê 3", or its name when it has no number. */
export function deskLabel(call: AnnouncedCall): string {
  return call.deskNumber !== null ? `Guichê ${call.deskNumber}` : (call.deskName ?? '');
}
