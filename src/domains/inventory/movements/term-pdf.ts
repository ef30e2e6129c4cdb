import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { InventoryTermContent } from '../../../db/schema';

/** The responsibility clauses every term carries (pt-BR). */
export const TERM_CLAUSES: readonly string[] = [
  'O RESPONSÁVEL declara ter recebido o bem descrito acima em perfeitas condições de uso e funcionamento, e se compromete a zelar por sua guarda, conservação e segurança.',
  'O bem deve ser usado exclusivamente para os fins a que se destina, sendo vedado emprestá-lo, cedê-lo ou transferi-lo a terceiros sem autorização por escrito da EMPRESA.',
  'Em caso de dano, perda, furto ou roubo, o RESPONSÁVEL comunicará o fato à EMPRESA imediatamente (com boletim de ocorrência, quando couber) e poderá ser responsabilizado pelo ressarcimento do valor do bem, apurada a sua culpa.',
  'O bem será devolvido até a data indicada acima, nas mesmas condições em que foi recebido, ressalvado o desgaste natural do uso adequado; a EMPRESA pode pedir a devolução antecipada a qualquer momento.',
  'O RESPONSÁVEL autoriza o registro deste aceite (nome, data, hora e endereço IP) e reconhece a assinatura na tela ou o aceite eletrônico como manifestação válida de sua vontade.',
];

/** JSON with every object's keys sorted: the same content always gives the same bytes, so the same SHA-256. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export const termContentSha256 = (content: InventoryTermContent) => sha256Hex(canonicalJson(content));

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const TEXT_WIDTH = PAGE.width - 2 * MARGIN;
/** The signature area, on the last page: the pad's image and the acceptance stamp go here. */
const SIGNATURE_BOX = { x: MARGIN, y: 92, width: 260, height: 90 };
const CONTENT_FLOOR = SIGNATURE_BOX.y + SIGNATURE_BOX.height + 56;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);

const reais = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

export const formatTermInstant = (iso: string, timeZone: string) =>
  DateTime.fromISO(iso, { zone: timeZone }).setZone(timeZone).toFormat('dd/MM/yyyy HH:mm');

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** The standard fonts speak WinAnsi: any other character (an emoji in a name) prints as '?' instead of failing the PDF. */
const characterSets = new WeakMap<PDFFont, ReadonlySet<number>>();
function printable(font: PDFFont, value: string): string {
  let supported = characterSets.get(font);
  if (!supported) characterSets.set(font, (supported = new Set(font.getCharacterSet())));
  return Array.from(value.replace(/\s+/g, ' '), (char) => (supported.has(char.codePointAt(0)!) ? char : '?')).join('');
}

/** Lines of at most `width` points, broken between words (a word longer than the line is cut). */
function wrap(font: PDFFont, size: number, value: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of printable(font, value).split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (font.widthOfTextAtSize(rest, size) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut -= 1;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

/** Writes top to bottom, starting a new page when the text reaches the floor. */
class TermWriter {
  page: PDFPage;
  y: number;

  constructor(
    private readonly pdf: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.page = pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }

  paragraph(value: string, options: { size?: number; font?: PDFFont; indent?: number; gapAfter?: number; color?: typeof INK } = {}) {
    const size = options.size ?? 10;
    const font = options.font ?? this.fonts.regular;
    const indent = options.indent ?? 0;
    for (const line of wrap(font, size, value, TEXT_WIDTH - indent)) {
      if (this.y - size < CONTENT_FLOOR) this.newPage();
      this.y -= size * 1.35;
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font, color: options.color ?? INK });
    }
    this.y -= options.gapAfter ?? 4;
  }

  heading(value: string) {
    this.y -= 6;
    this.paragraph(value.toUpperCase(), { size: 10, font: this.fonts.bold, gapAfter: 2 });
  }

  field(label: string, value: string | null) {
    this.paragraph(`${label}: ${value ?? '—'}`, { size: 10, indent: 8, gapAfter: 0 });
  }

  newPage() {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }
}

async function embedFonts(pdf: PDFDocument): Promise<Fonts> {
  return {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
}

/** The term as issued: what it says, the empty signature area, and the SHA-256 of its content at the foot of every page. */
export async function renderTermPdf(content: InventoryTermContent, contentSha256: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Termo de responsabilidade — ${content.asset.tag}`);
  pdf.setSubject(`SHA-256 do conteúdo: ${contentSha256}`);
  pdf.setProducer('Balcão');
  pdf.setCreator('Balcão — Inventário');
  const fonts = await embedFonts(pdf);
  const writer = new TermWriter(pdf, fonts);
  const { asset, borrower, loan } = content;
  const zone = loan.timeZone;

  writer.paragraph('TERMO DE RESPONSABILIDADE', { size: 16, font: fonts.bold, gapAfter: 0 });
  writer.paragraph('Empréstimo de bem patrimonial', { size: 11, color: MUTED, gapAfter: 10 });
  writer.paragraph(
    `${content.company} ("EMPRESA") entrega ao responsável abaixo ("RESPONSÁVEL"), a título de empréstimo ${loan.type === 'loan_internal' ? 'interno' : 'a terceiro'}, o bem descrito neste termo.`,
  );
  writer.heading('Bem');
  writer.field('Etiqueta', asset.tag);
  writer.field('Descrição', asset.name);
  writer.field('Número de série', asset.serialNumber);
  writer.field('Patrimônio', asset.patrimonio);
  writer.field('Valor', asset.valueCents === null ? null : reais.format(asset.valueCents / 100));
  writer.field('Retirado de', loan.fromLocation);
  writer.heading('Responsável');
  writer.field('Nome', borrower.name);
  writer.field('Vínculo', borrower.type === 'user' ? 'colaborador da empresa' : 'terceiro');
  writer.field('Documento', borrower.document);
  writer.field('E-mail', borrower.email);
  writer.field('Telefone', borrower.phone);
  writer.heading('Prazo');
  writer.field('Emitido em', `${formatTermInstant(loan.issuedAt, zone)} (${zone})`);
  writer.field('Devolver até', `${formatTermInstant(loan.dueDate, zone)} (${zone})`);
  writer.heading('Cláusulas');
  content.clauses.forEach((clause, index) => writer.paragraph(`${index + 1}. ${clause}`, { size: 9.5, gapAfter: 3 }));

  const pages = pdf.getPages();
  const last = pages.at(-1)!;
  const box = SIGNATURE_BOX;
  last.drawRectangle({ ...box, borderColor: MUTED, borderWidth: 0.6 });
  last.drawLine({
    start: { x: box.x + 10, y: box.y + 18 },
    end: { x: box.x + box.width - 10, y: box.y + 18 },
    color: MUTED,
    thickness: 0.5,
  });
  last.drawText(printable(fonts.regular, `Assinatura do responsável — ${borrower.name}`), {
    x: box.x + 10,
    y: box.y + 6,
    size: 8,
    font: fonts.regular,
    color: MUTED,
  });
  pages.forEach((page, index) => {
    page.drawText(`SHA-256 do conteúdo: ${contentSha256}`, { x: MARGIN, y: 40, size: 7.5, font: fonts.mono, color: MUTED });
    page.drawText(`Termo ${content.termId} · página ${index + 1} de ${pages.length}`, {
      x: MARGIN,
      y: 28,
      size: 7.5,
      font: fonts.regular,
      color: MUTED,
    });
  });
  return pdf.save();
}

export interface TermAcceptance {
  method: 'signature_pad' | 'link';
  signerName: string;
  acceptedAt: string;
  ip: string | null;
  timeZone: string;
  /** The pad's drawing (PNG bytes); a link acceptance has none. */
  signaturePng?: Uint8Array;
}

export class UnreadableSignature extends Error {}

/** The term as signed: the pad's drawing in the signature area and who accepted it, when, how and from where. */
export async function stampAcceptance(issued: Uint8Array, acceptance: TermAcceptance): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(issued, { updateMetadata: false });
  const fonts = await embedFonts(pdf);
  const page = pdf.getPages().at(-1)!;
  const box = SIGNATURE_BOX;
  if (acceptance.signaturePng) {
    const image = await pdf.embedPng(acceptance.signaturePng).catch(() => {
      throw new UnreadableSignature('signature is not a readable PNG');
    });
    const scale = Math.min((box.width - 20) / image.width, (box.height - 28) / image.height);
    page.drawImage(image, { x: box.x + 10, y: box.y + 22, width: image.width * scale, height: image.height * scale });
  }
  const when = `${formatTermInstant(acceptance.acceptedAt, acceptance.timeZone)} (${acceptance.timeZone})`;
  const how = acceptance.method === 'signature_pad' ? 'Assinado na tela' : 'Aceito eletronicamente pelo link de aceite';
  const lines = [
    `${how} por ${acceptance.signerName}`,
    `em ${when}`,
    `IP: ${acceptance.ip ?? 'não informado'}`,
    `Data do aceite (UTC): ${acceptance.acceptedAt}`,
  ];
  const x = box.x + box.width + 16;
  lines
    .flatMap((line) => wrap(fonts.regular, 8.5, line, PAGE.width - MARGIN - x))
    .forEach((line, index) =>
      page.drawText(line, { x, y: box.y + box.height - 12 - index * 11, size: 8.5, font: fonts.regular, color: INK }),
    );
  return pdf.save();
}
