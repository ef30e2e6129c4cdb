import Papa from 'papaparse';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { InventoryAuditItemStatus } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { DomainError } from '../../../platform/errors';
import { selectItemRows, toItemView, type AuditItemView, type PlaceView } from './items';
import { getAudit, type AuditView } from './sessions';

export interface AuditReport {
  audit: AuditView;
  totals: { items: number; found: number; missing: number; unexpected: number; wrongLocation: number };
  items: AuditItemView[];
}

/** A closed audit's report: its totals (which add up to its items) and every item, in tag order. */
export async function loadAuditReport(trx: TenantTransaction, auditId: string): Promise<AuditReport> {
  const audit = await getAudit(trx, auditId);
  if (audit.status !== 'closed')
    throw new DomainError('CONFLICT', 'AUDIT_NOT_CLOSED', 'O relatório sai quando o inventário é encerrado', {
      currentState: audit.status,
    });
  const rows = await selectItemRows(trx, auditId).orderBy('asset.tag').orderBy('item.id').execute();
  const items = rows.map((row) => toItemView(row, audit.status));
  const count = (status: InventoryAuditItemStatus) => items.filter((item) => item.status === status).length;
  return {
    audit,
    totals: {
      items: items.length,
      found: count('FOUND'),
      missing: count('MISSING'),
      unexpected: count('UNEXPECTED'),
      wrongLocation: count('WRONG_LOCATION'),
    },
    items,
  };
}

export const STATUS_NAMES: Record<InventoryAuditItemStatus, string> = {
  PENDING: 'Pendente',
  FOUND: 'Encontrado',
  MISSING: 'Faltando',
  UNEXPECTED: 'Inesperado',
  WRONG_LOCATION: 'Local errado',
};

const RESOLUTION_NAMES = { moved_here: 'Movido para cá', marked_lost: 'Marcado como extraviado', kept: 'Mantido' } as const;

const placeText = (place: PlaceView | null) => (place ? `${place.name} (${place.code})` : '');

export const REPORT_CSV_COLUMNS = [
  'etiqueta',
  'nome',
  'situacao',
  'esperado',
  'local_esperado',
  'local_encontrado',
  'leituras',
  'primeira_leitura',
  'correcao',
  'corrigido_em',
  'corrigido_por',
] as const;

/** Every item with its classification, one row each (papaparse quotes what needs quoting), with a BOM for spreadsheets. */
export function auditReportCsv(report: AuditReport): string {
  const data = report.items.map((item) => [
    item.tag,
    item.name,
    item.status,
    item.expected ? 'sim' : 'nao',
    placeText(item.expectedLocation),
    placeText(item.foundLocation),
    item.scanCount,
    item.firstScannedAt ?? '',
    item.resolution ?? '',
    item.resolvedAt ?? '',
    item.resolvedByName ?? '',
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...REPORT_CSV_COLUMNS], data }, { newline: '\r\n' })}\r\n`;
}

// A4 in points, and the report's layout.
const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const LINE = 14;

/** The standard fonts write WinAnsi only: any other character (an emoji in a name) prints as '?'. */
const printable = (value: string) => value.normalize('NFC').replace(/[^\x20-\x7E\xA0-\xFF€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/g, '?');

/** Writes lines top to bottom, opening a new page when one fills up. */
class ReportWriter {
  #page: PDFPage;
  #y = 0;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.#page = this.#newPage();
  }

  #newPage(): PDFPage {
    this.#page = this.pdf.addPage(PAGE);
    this.#y = PAGE[1] - MARGIN;
    return this.#page;
  }

  /** A line in columns (x offsets from the margin), each cell cut to fit before the next column. */
  line(cells: readonly string[], options: { columns?: readonly number[]; size?: number; bold?: boolean } = {}): void {
    const size = options.size ?? 9;
    const columns = options.columns ?? [0];
    const font = options.bold ? this.bold : this.font;
    if (this.#y < MARGIN + LINE) this.#newPage();
    cells.forEach((cell, index) => {
      const x = MARGIN + (columns[index] ?? 0);
      const room = (columns[index + 1] ?? PAGE[0] - 2 * MARGIN) - (columns[index] ?? 0) - 6;
      let text = printable(cell);
      while (text.length > 1 && font.widthOfTextAtSize(text, size) > room) text = `${text.slice(0, -2)}…`;
      this.#page.drawText(text, { x, y: this.#y, size, font, color: rgb(0.1, 0.1, 0.12) });
    });
    this.#y -= size > 10 ? size + 8 : LINE;
  }

  gap(points = LINE / 2): void {
    this.#y -= points;
  }
}

const SECTIONS: { status: InventoryAuditItemStatus; title: string }[] = [
  { status: 'MISSING', title: 'Faltando' },
  { status: 'UNEXPECTED', title: 'Inesperados' },
  { status: 'WRONG_LOCATION', title: 'Em local errado' },
];

const ITEM_COLUMNS = [0, 80, 230, 345, 460] as const;

const dateTime = (iso: string | null, timeZone: string) =>
  iso ? new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(new Date(iso)) : '—';

/** The report as a PDF (pdf-lib): the session, the totals, and the lists of missing, unexpected and misplaced assets. */
export async function auditReportPdf(report: AuditReport, context: { tenantName: string; timeZone: string }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Inventário físico: ${printable(report.audit.name)}`);
  pdf.setProducer('Balcão');
  const writer = new ReportWriter(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));
  const { audit, totals } = report;
  writer.line([`Relatório de inventário físico — ${audit.name}`], { size: 15, bold: true });
  writer.line([context.tenantName]);
  const scope = [
    audit.scope.location ? `Local: ${placeText(audit.scope.location)} e sublocais` : 'Local: todos',
    audit.scope.categories.length
      ? `Categorias: ${audit.scope.categories.map((category) => category.name).join(', ')}`
      : 'Categorias: todas',
  ];
  writer.line([scope.join(' · ')]);
  writer.line([`Início: ${dateTime(audit.startedAt, context.timeZone)} · Encerramento: ${dateTime(audit.closedAt, context.timeZone)}`]);
  writer.gap();
  writer.line(['Resumo'], { size: 12, bold: true });
  const summary: [string, number][] = [
    ['Esperados', audit.expectedCount],
    ['Encontrados', totals.found],
    ['Faltando', totals.missing],
    ['Em local errado', totals.wrongLocation],
    ['Inesperados', totals.unexpected],
    ['Total de itens', totals.items],
  ];
  for (const [label, value] of summary) writer.line([label, String(value)], { columns: [0, 160] });
  for (const section of SECTIONS) {
    const items = report.items.filter((item) => item.status === section.status);
    writer.gap();
    writer.line([`${section.title} (${items.length})`], { size: 12, bold: true });
    if (items.length === 0) {
      writer.line(['Nenhum.']);
      continue;
    }
    writer.line(['Etiqueta', 'Nome', 'Local esperado', 'Encontrado em', 'Correção'], { columns: ITEM_COLUMNS, bold: true });
    for (const item of items)
      writer.line(
        [
          item.tag,
          item.name,
          placeText(item.expectedLocation) || '—',
          placeText(item.foundLocation) || '—',
          item.resolution ? RESOLUTION_NAMES[item.resolution] : 'Pendente',
        ],
        { columns: ITEM_COLUMNS },
      );
  }
  return pdf.save();
}
