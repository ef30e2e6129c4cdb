import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import type { InventoryLabelSheet } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { A4_MM, labelSheetOf, labelSizeMm, loadInventorySettings } from '../settings';
import { assetPageUrl } from './asset-detail';
import { missing } from './errors';

/** What a label prints about its asset. */
export interface LabelAsset {
  id: string;
  tag: string;
  name: string;
  patrimonio: string | null;
}

const POINTS_PER_MM = 72 / 25.4;
const pt = (mm: number) => mm * POINTS_PER_MM;
const PADDING_MM = 2;
const INK = rgb(0, 0, 0);
/** White modules kept around the code inside its square, so a reader finds its edges next to the text. */
const QR_QUIET_MODULES = 2;

/** The assets to label, in the order asked; any id the tenant does not have is NOT_FOUND (as a made-up one). */
export async function labelAssets(trx: TenantTransaction, assetIds: readonly string[]): Promise<LabelAsset[]> {
  const rows = await trx.selectFrom('inventory_assets').select(['id', 'tag', 'name', 'patrimonio']).where('id', 'in', assetIds).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return assetIds.map((id) => {
    const asset = byId.get(id);
    if (!asset) throw missing('Ativo não encontrado');
    return asset;
  });
}

/** Text the standard fonts can draw: their WinAnsi set covers Portuguese; anything else (an emoji) prints as '?'. */
function drawable(font: PDFFont, value: string): string {
  const known = new Set(font.getCharacterSet());
  return [...value.replace(/\s+/g, ' ').trim()].map((char) => (known.has(char.codePointAt(0)!) ? char : '?')).join('');
}

/** Up to `maxLines` lines within `width`, broken at spaces; what does not fit ends in an ellipsis. */
function fitLines(font: PDFFont, size: number, value: string, width: number, maxLines: number): string[] {
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= width;
  const lines: string[] = [];
  let rest = drawable(font, value);
  while (rest && lines.length < maxLines) {
    let end = rest.length;
    while (end > 1 && !fits(rest.slice(0, end))) end -= 1;
    const space = rest.lastIndexOf(' ', end);
    const cut = end < rest.length && space > 0 ? space : end;
    lines.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest && lines.length > 0) {
    let last = lines.pop()!;
    while (last && !fits(`${last}…`)) last = last.slice(0, -1);
    lines.push(`${last.trimEnd()}…`);
  }
  return lines;
}

/** The largest size (down to 5 pt) at which a one-line text fits the width. */
function sizeToFit(font: PDFFont, value: string, width: number, largest: number): number {
  let size = largest;
  while (size > 5 && font.widthOfTextAtSize(value, size) > width) size -= 0.5;
  return size;
}

interface LabelFonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** One label with its top-left corner at (x, top) in points: the QR at the left, tag, name and patrimônio beside it. */
function drawLabel(
  page: PDFPage,
  fonts: LabelFonts,
  asset: LabelAsset,
  qr: QrShape,
  box: { x: number; top: number; width: number; height: number },
) {
  const padding = pt(PADDING_MM);
  const qrSize = Math.min(box.height - 2 * padding, box.width * 0.45);
  // SVG paths grow downwards from (x, y): the square's top-left corner.
  page.drawSvgPath(qr.path, {
    x: box.x + padding,
    y: box.top - box.height / 2 + qrSize / 2,
    scale: qrSize / qr.modules,
    color: INK,
    borderWidth: 0,
  });
  const textX = box.x + 2 * padding + qrSize;
  const textWidth = box.x + box.width - padding - textX;
  const tag = drawable(fonts.bold, asset.tag);
  const tagSize = sizeToFit(fonts.bold, tag, textWidth, Math.min(12, box.height / 4));
  const nameSize = Math.max(5, Math.min(7.5, tagSize * 0.7));
  const lineGap = nameSize * 1.2;
  let y = box.top - padding - tagSize;
  page.drawText(tag, { x: textX, y, size: tagSize, font: fonts.bold, color: INK });
  const bottom = box.top - box.height + padding;
  const patrimonio = asset.patrimonio ? `Patrimônio: ${asset.patrimonio}` : null;
  const roomForName = Math.floor((y - bottom - (patrimonio ? lineGap : 0)) / lineGap);
  for (const line of fitLines(fonts.regular, nameSize, asset.name, textWidth, Math.max(1, Math.min(3, roomForName)))) {
    y -= lineGap;
    page.drawText(line, { x: textX, y, size: nameSize, font: fonts.regular, color: INK });
  }
  if (patrimonio) {
    const [line] = fitLines(fonts.regular, nameSize, patrimonio, textWidth, 1);
    page.drawText(line ?? '', { x: textX, y: bottom, size: nameSize, font: fonts.regular, color: INK });
  }
}

/** An asset's QR code (its page address) as one vector path of its dark modules, a unit square each: sharp at any printer's resolution. */
export interface QrShape {
  path: string;
  modules: number;
}

export function qrShape(asset: LabelAsset, publicUrl: string): QrShape {
  const { modules } = QRCode.create(assetPageUrl(publicUrl, asset.id), { errorCorrectionLevel: 'M' });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    // Each run of dark modules in a row is one rectangle.
    for (let column = 0; column < modules.size;) {
      if (!modules.get(row, column)) {
        column += 1;
        continue;
      }
      let end = column;
      while (end < modules.size && modules.get(row, end)) end += 1;
      parts.push(`M${column + QR_QUIET_MODULES} ${row + QR_QUIET_MODULES}h${end - column}v1h${column - end}z`);
      column = end;
    }
  }
  return { path: parts.join(''), modules: modules.size + 2 * QR_QUIET_MODULES };
}

async function newLabelPdf(title: string): Promise<{ pdf: PDFDocument; fonts: LabelFonts }> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator('Balcão · Inventário');
  return { pdf, fonts: { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) } };
}

/** An A4 sheet (as many pages as the labels need) on the tenant's grid, left to right, top to bottom. */
export async function labelSheetPdf(
  assets: readonly LabelAsset[],
  grid: Required<InventoryLabelSheet>,
  publicUrl: string,
): Promise<Uint8Array> {
  const { pdf, fonts } = await newLabelPdf(`Etiquetas (${assets.length})`);
  const size = labelSizeMm(grid);
  const perPage = grid.columns * grid.rows;
  let page: PDFPage | undefined;
  assets.forEach((asset, index) => {
    const slot = index % perPage;
    if (slot === 0) page = pdf.addPage([pt(A4_MM.width), pt(A4_MM.height)]);
    const column = slot % grid.columns;
    const row = Math.floor(slot / grid.columns);
    drawLabel(page!, fonts, asset, qrShape(asset, publicUrl), {
      x: pt(grid.marginLeftMm + column * (size.width + grid.gapXMm)),
      top: pt(A4_MM.height - grid.marginTopMm - row * (size.height + grid.gapYMm)),
      width: pt(size.width),
      height: pt(size.height),
    });
  });
  return pdf.save();
}

/** One label on a page of its own size, for a label printer. */
export async function singleLabelPdf(asset: LabelAsset, grid: Required<InventoryLabelSheet>, publicUrl: string): Promise<Uint8Array> {
  const { pdf, fonts } = await newLabelPdf(`Etiqueta ${asset.tag}`);
  const size = labelSizeMm(grid);
  const page = pdf.addPage([pt(size.width), pt(size.height)]);
  drawLabel(page, fonts, asset, qrShape(asset, publicUrl), { x: 0, top: pt(size.height), width: pt(size.width), height: pt(size.height) });
  return pdf.save();
}

/** The tenant's label grid, read in the same transaction as the assets. */
export async function tenantLabelGrid(trx: TenantTransaction): Promise<Required<InventoryLabelSheet>> {
  return labelSheetOf(await loadInventorySettings(trx));
}
