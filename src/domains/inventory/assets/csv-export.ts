import Papa from 'papaparse';
import type { TenantTransaction } from '../../../db/tenant-scope';
import type { AssetView } from './asset-views';
import { categoryCatalogue } from './categories';
import { CSV_COLUMNS, CUSTOM_PREFIX, PATH_SEPARATOR, customFieldKeys, type CsvColumn } from './csv-columns';
import { customValueToText } from './custom-fields';

/** What turns assets into export rows: category paths and supplier CNPJs, read once per export. */
export async function exportContext(trx: TenantTransaction) {
  const catalogue = await categoryCatalogue(trx);
  const suppliers = await trx.selectFrom('inventory_suppliers').select(['id', 'tax_id']).execute();
  return {
    customKeys: await customFieldKeys(trx),
    categoryPaths: new Map([...catalogue].map(([id, entry]) => [id, entry.lineage.map((item) => item.name).join(PATH_SEPARATOR)])),
    supplierTaxIds: new Map(suppliers.map((supplier) => [supplier.id, supplier.tax_id])),
  };
}
export type ExportContext = Awaited<ReturnType<typeof exportContext>>;

export const exportColumns = (context: ExportContext) => [...CSV_COLUMNS, ...context.customKeys.map((key) => `${CUSTOM_PREFIX}${key}`)];

const reaisText = (cents: number | null) => (cents === null ? '' : (cents / 100).toFixed(2));

/** One asset as the cells of an export row, in `exportColumns` order. */
export function assetCells(asset: AssetView, context: ExportContext): string[] {
  const cells: Record<CsvColumn, string> = {
    etiqueta: asset.tag,
    nome: asset.name,
    categoria: asset.categoryId ? (context.categoryPaths.get(asset.categoryId) ?? '') : '',
    localizacao: asset.locationCode ?? '',
    situacao: asset.status,
    ciclo_de_vida: asset.lifecycleState,
    patrimonio: asset.patrimonio ?? '',
    numero_serie: asset.serialNumber ?? '',
    valor_compra: reaisText(asset.purchaseValueCents),
    data_compra: asset.purchaseDate ?? '',
    fornecedor_cnpj: asset.supplierId ? (context.supplierTaxIds.get(asset.supplierId) ?? '') : '',
    observacoes: asset.notes,
  };
  return [...CSV_COLUMNS.map((column) => cells[column]), ...context.customKeys.map((key) => customValueToText(asset.customFields[key]))];
}

/** A row as CSV text; a cell that a spreadsheet would run as a formula is quoted with a leading apostrophe. */
export const csvLine = (cells: string[]) => Papa.unparse([cells], { escapeFormulae: true, newline: '\r\n' });
