import type { InventoryAssetStatus, InventoryLifecycleState } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { categoryCatalogue } from './categories';

/** The export's columns, which an import reads back; each category field adds a `campo:<chave>` column after them. */
export const CSV_COLUMNS = [
  'etiqueta',
  'nome',
  'categoria',
  'localizacao',
  'situacao',
  'ciclo_de_vida',
  'patrimonio',
  'numero_serie',
  'valor_compra',
  'data_compra',
  'fornecedor_cnpj',
  'observacoes',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const CUSTOM_PREFIX = 'campo:';
/** How a category path is written in a cell: "Informática / Notebooks". */
export const PATH_SEPARATOR = ' / ';
export const STATUS_WORDS: Record<InventoryAssetStatus, string> = {
  available: 'disponível',
  in_use: 'em uso',
  on_loan: 'emprestado',
  in_maintenance: 'em manutenção',
  missing: 'desaparecido',
  lost: 'perdido',
  disposed: 'baixado',
};
export const LIFECYCLE_WORDS: Record<InventoryLifecycleState, string> = {
  ordered: 'encomendado',
  in_service: 'em serviço',
  retired: 'aposentado',
  disposed: 'descartado',
};

/** Every `campo:<chave>` column of the tenant: the keys of all its categories' fields, sorted. */
export async function customFieldKeys(trx: TenantTransaction): Promise<string[]> {
  const catalogue = await categoryCatalogue(trx);
  return [...new Set([...catalogue.values()].flatMap((entry) => entry.category.custom_fields.map((field) => field.key)))].sort();
}
