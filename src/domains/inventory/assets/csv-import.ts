import { DateTime } from 'luxon';
import Papa from 'papaparse';
import type { InventoryAsset, InventoryAssetStatus, InventoryCustomField, InventoryLifecycleState } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { normaliseCnpj } from '../cnpj';
import { formatTag, reserveInventoryNumbers } from '../settings';
import { categoryCatalogue } from './categories';
import { CSV_COLUMNS, CUSTOM_PREFIX, LIFECYCLE_WORDS, PATH_SEPARATOR, STATUS_WORDS, type CsvColumn } from './csv-columns';
import { checkCustomFields, customValueFromText } from './custom-fields';
import { ASSET_STATUSES, EDITABLE_STATUSES, LIFECYCLE_STATES } from './schemas';

const MAX_ROWS = 5_000;
/** A bad file is answered with its first problems; more would only make the answer huge. */
const MAX_REPORTED = 500;

export interface ImportProblem {
  /** The line in the file (the header is line 1). */
  line: number;
  column?: string;
  message: string;
}

export interface ImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
}

interface CsvRow {
  line: number;
  cells: string[];
}

/** The file's rows with the line each starts on (a quoted cell may span lines); blank rows are skipped. */
function readRows(csv: string): CsvRow[] {
  const text = csv.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const rows: CsvRow[] = [];
  let start = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    newline: '\n',
    step: (result) => {
      const end = result.meta.cursor;
      if (result.data.some((cell) => cell.trim() !== '')) rows.push({ line, cells: result.data });
      for (let index = start; index < end; index += 1) if (text.charCodeAt(index) === 10) line += 1;
      start = end;
    },
  });
  return rows;
}

/** A cell as typed: trimmed, and without the apostrophe the export puts before formula-like text. */
const cellText = (raw: string | undefined) => (raw ?? '').trim().replace(/^'(?=[=+\-@\t\r])/, '');

const plain = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();

function wordOrKey<Key extends string>(cell: string, words: Record<Key, string>): Key | undefined {
  const typed = plain(cell);
  return (Object.keys(words) as Key[]).find((key) => key === typed || plain(words[key]) === typed);
}

/** Reais as typed in a spreadsheet ("1234.56", "1.234,56", "R$ 99,90") in whole cents; undefined when unreadable. */
export function centsOfReais(cell: string): number | undefined {
  const typed = cell.replace(/^R\$\s*/i, '').trim();
  if (/^\d+(\.\d{1,2})?$/.test(typed)) return Math.round(Number(typed) * 100);
  if (/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(typed))
    return Math.round(Number(typed.replace(/\./g, '').replace(',', '.')) * 100);
  return undefined;
}

function isoDateOf(cell: string): string | undefined {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(cell) ? DateTime.fromISO(cell) : DateTime.fromFormat(cell, 'dd/MM/yyyy');
  return parsed.isValid ? parsed.toISODate()! : undefined;
}

const LIMITS: Partial<Record<CsvColumn, number>> = { nome: 200, patrimonio: 60, numero_serie: 120, observacoes: 4000 };

/** The tenant's places, categories, suppliers and the assets the file's tags name: what every row is checked against. */
async function importContext(trx: TenantTransaction, tags: string[]) {
  const catalogue = await categoryCatalogue(trx);
  const categoriesByPath = new Map<string, string>();
  const categoriesByName = new Map<string, string[]>();
  for (const [id, entry] of catalogue) {
    categoriesByPath.set(plain(entry.lineage.map((item) => item.name).join(PATH_SEPARATOR)), id);
    const name = plain(entry.category.name);
    categoriesByName.set(name, [...(categoriesByName.get(name) ?? []), id]);
  }
  const locations = await trx.selectFrom('inventory_locations').select(['id', 'code', 'name']).execute();
  const suppliers = await trx.selectFrom('inventory_suppliers').select(['id', 'tax_id']).execute();
  const existing = tags.length
    ? await trx
        .selectFrom('inventory_assets')
        .selectAll()
        .where((eb) =>
          eb(
            eb.fn('lower', ['tag']),
            'in',
            tags.map((tag) => tag.toLowerCase()),
          ),
        )
        .execute()
    : [];
  const open = existing.length
    ? await trx
        .selectFrom('inventory_movements')
        .select('asset_id')
        .where(
          'asset_id',
          'in',
          existing.map((asset) => asset.id),
        )
        .where('status', 'in', ['requested', 'approved'])
        .execute()
    : [];
  return {
    catalogue,
    categoriesByPath,
    categoriesByName,
    locationsByCode: new Map(locations.map((location) => [location.code.toLowerCase(), location.id])),
    locationsByName: locations.reduce(
      (byName, location) => byName.set(plain(location.name), [...(byName.get(plain(location.name)) ?? []), location.id]),
      new Map<string, string[]>(),
    ),
    suppliersByTaxId: new Map(suppliers.map((supplier) => [supplier.tax_id, supplier.id])),
    assetsByTag: new Map(existing.map((asset) => [asset.tag.toLowerCase(), asset])),
    withOpenMovement: new Set(open.map((movement) => movement.asset_id)),
  };
}
type ImportContext = Awaited<ReturnType<typeof importContext>>;

/** What one good row changes: an asset to create (no `existing`) or the columns to set on one. */
interface RowPlan {
  line: number;
  existing?: InventoryAsset;
  set: {
    name?: string;
    category_id?: string | null;
    location_id?: string | null;
    status?: InventoryAssetStatus;
    lifecycle_state?: InventoryLifecycleState;
    patrimonio?: string | null;
    serial_number?: string | null;
    purchase_value_cents?: number | null;
    purchase_date?: string | null;
    supplier_id?: string | null;
    notes?: string;
    custom_fields?: Record<string, unknown>;
  };
}

/** Reads and checks one row against the file's header and the tenant: its plan, or its problems. */
function planRow(row: CsvRow, header: string[], context: ImportContext, seenTags: Set<string>): RowPlan | ImportProblem[] {
  const problems: ImportProblem[] = [];
  const problem = (message: string, column?: string) => problems.push({ line: row.line, ...(column ? { column } : {}), message });
  if (row.cells.length !== header.length) {
    problem(`A linha tem ${row.cells.length} coluna(s); o cabeçalho tem ${header.length}`);
    return problems;
  }
  const cells = new Map(header.map((column, index) => [column, cellText(row.cells[index])]));
  const has = (column: CsvColumn) => cells.has(column);
  const cell = (column: CsvColumn) => cells.get(column) ?? '';
  for (const [column, value] of cells) {
    if (value.includes('\u0000')) problem('Caractere nulo não é permitido', column);
    const limit = LIMITS[column as CsvColumn];
    if (limit && value.length > limit) problem(`No máximo ${limit} caracteres`, column);
  }

  let existing: InventoryAsset | undefined;
  const tag = cell('etiqueta');
  if (tag) {
    if (seenTags.has(tag.toLowerCase())) problem(`A etiqueta ${tag} aparece mais de uma vez no arquivo`, 'etiqueta');
    seenTags.add(tag.toLowerCase());
    existing = context.assetsByTag.get(tag.toLowerCase());
    if (!existing) problem(`A etiqueta ${tag} não existe; deixe a coluna vazia para cadastrar um ativo novo`, 'etiqueta');
  }
  const set: RowPlan['set'] = {};
  if (has('nome') || !existing) {
    if (!cell('nome')) problem('Informe o nome do ativo', 'nome');
    else set.name = cell('nome');
  }
  if (has('categoria')) {
    const typed = cell('categoria');
    const byPath = context.categoriesByPath.get(plain(typed));
    const byName = context.categoriesByName.get(plain(typed)) ?? [];
    if (!typed) set.category_id = null;
    else if (byPath) set.category_id = byPath;
    else if (byName.length === 1) set.category_id = byName[0]!;
    else if (byName.length > 1) problem(`Há mais de uma categoria ${typed}: escreva o caminho (Pai${PATH_SEPARATOR}Filha)`, 'categoria');
    else problem(`Categoria ${typed} não encontrada`, 'categoria');
  }
  if (has('localizacao')) {
    const typed = cell('localizacao');
    const byName = context.locationsByName.get(plain(typed)) ?? [];
    const found = context.locationsByCode.get(typed.toLowerCase()) ?? (byName.length === 1 ? byName[0] : undefined);
    if (!typed) set.location_id = null;
    else if (found) set.location_id = found;
    else problem(`Localização ${typed} não encontrada (use o código)`, 'localizacao');
  }
  if (has('situacao') && cell('situacao')) {
    const status = wordOrKey(cell('situacao'), STATUS_WORDS);
    if (!status) problem(`Situação inválida: use ${ASSET_STATUSES.join(', ')}`, 'situacao');
    else if (status !== (existing?.status ?? 'available')) {
      if (existing && (existing.status === 'on_loan' || existing.status === 'in_maintenance'))
        problem(`O ativo está ${STATUS_WORDS[existing.status]}: a situação muda pela devolução ou pela ordem de serviço`, 'situacao');
      else if (!(EDITABLE_STATUSES as readonly string[]).includes(status))
        problem(`A situação ${STATUS_WORDS[status]} vem de empréstimos, manutenção ou inventários, não da planilha`, 'situacao');
      else set.status = status;
    }
  }
  if (has('ciclo_de_vida') && cell('ciclo_de_vida')) {
    const state = wordOrKey(cell('ciclo_de_vida'), LIFECYCLE_WORDS);
    if (state) set.lifecycle_state = state;
    else problem(`Ciclo de vida inválido: use ${LIFECYCLE_STATES.join(', ')}`, 'ciclo_de_vida');
  }
  if (existing && set.location_id !== undefined && set.location_id !== existing.location_id) {
    if (existing.status === 'on_loan') problem('Um ativo emprestado não pode mudar de lugar', 'localizacao');
    else if (context.withOpenMovement.has(existing.id)) problem('Há uma movimentação deste ativo em andamento', 'localizacao');
  }
  if (has('patrimonio')) set.patrimonio = cell('patrimonio') || null;
  if (has('numero_serie')) set.serial_number = cell('numero_serie') || null;
  if (has('observacoes')) set.notes = cell('observacoes');
  if (has('valor_compra')) {
    const cents = cell('valor_compra') ? centsOfReais(cell('valor_compra')) : null;
    if (cents === undefined) problem('Valor inválido: escreva em reais, como 1234,56', 'valor_compra');
    else set.purchase_value_cents = cents;
  }
  if (has('data_compra')) {
    const date = cell('data_compra') ? isoDateOf(cell('data_compra')) : null;
    if (date === undefined) problem('Data inválida: use AAAA-MM-DD ou DD/MM/AAAA', 'data_compra');
    else set.purchase_date = date;
  }
  if (has('fornecedor_cnpj')) {
    const typed = cell('fornecedor_cnpj');
    const supplierId = typed ? context.suppliersByTaxId.get(normaliseCnpj(typed)) : null;
    if (supplierId === undefined) problem(`Fornecedor de CNPJ ${typed} não encontrado`, 'fornecedor_cnpj');
    else set.supplier_id = supplierId;
  }

  const categoryId = set.category_id !== undefined ? set.category_id : (existing?.category_id ?? null);
  const fields: InventoryCustomField[] = categoryId ? (context.catalogue.get(categoryId)?.fields ?? []) : [];
  const customColumns = header.filter((column) => column.startsWith(CUSTOM_PREFIX));
  if (customColumns.length > 0 || categoryId !== (existing?.category_id ?? null)) {
    const values: Record<string, unknown> = Object.fromEntries(
      Object.entries(existing?.custom_fields ?? {}).filter(([key]) => fields.some((field) => field.key === key)),
    );
    for (const column of customColumns) {
      const key = column.slice(CUSTOM_PREFIX.length);
      const field = fields.find((candidate) => candidate.key === key);
      const typed = cells.get(column) ?? '';
      if (!typed) delete values[key];
      else if (field) values[key] = customValueFromText(field, typed);
      else problem(`O campo ${key} não existe na categoria do ativo`, column);
    }
    const checked = checkCustomFields(fields, values);
    for (const [key, message] of Object.entries(checked.problems)) problem(message, `${CUSTOM_PREFIX}${key}`);
    set.custom_fields = checked.values;
  }
  return problems.length > 0 ? problems : { line: row.line, ...(existing ? { existing } : {}), set };
}

/** The header's problems: unknown or repeated columns, or neither a name nor a tag to work with. */
function headerProblems(header: string[]): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (!(CSV_COLUMNS as readonly string[]).includes(column) && !/^campo:[a-z][a-z0-9_]{0,39}$/.test(column))
      problems.push({ line: 1, column, message: `Coluna desconhecida: ${column || '(vazia)'}` });
    if (seen.has(column)) problems.push({ line: 1, column, message: `Coluna repetida: ${column}` });
    seen.add(column);
  }
  if (!seen.has('nome') && !seen.has('etiqueta'))
    problems.push({ line: 1, message: 'A planilha precisa ao menos da coluna nome (ou etiqueta, para alterar ativos)' });
  return problems;
}

function refuse(problems: ImportProblem[]): never {
  const badLines = new Set(problems.map((problem) => problem.line)).size;
  throw new DomainError(
    'BAD_REQUEST',
    'IMPORT_INVALID',
    `${badLines} linha(s) com erro; nada foi importado. Linha ${problems[0]!.line}: ${problems[0]!.message}`,
    {
      field: 'csv',
      rows: problems.slice(0, MAX_REPORTED),
      badLines,
    },
  );
}

/** The audit's names for the columns a row sets, as an edit in the dashboard records them. */
const AUDIT_NAMES: Record<keyof RowPlan['set'], string> = {
  name: 'name',
  category_id: 'categoryId',
  location_id: 'locationId',
  status: 'status',
  lifecycle_state: 'lifecycleState',
  patrimonio: 'patrimonio',
  serial_number: 'serialNumber',
  purchase_value_cents: 'purchaseValueCents',
  purchase_date: 'purchaseDate',
  supplier_id: 'supplierId',
  notes: 'notes',
  custom_fields: 'customFields',
};
const audited = (columns: readonly (keyof RowPlan['set'])[], read: (column: keyof RowPlan['set']) => unknown) =>
  Object.fromEntries(columns.map((column) => [AUDIT_NAMES[column], read(column)]));

/**
 * Imports assets from a CSV in the export's columns: a row with a known tag changes that asset
 * (only the columns present), a row without one creates an asset with the next tag. Every row is
 * checked first; any bad row fails the whole file with each bad row's line and message.
 */
export async function importAssets(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { csv: string; dryRun: boolean },
): Promise<ImportResult> {
  const [headerRow, ...rows] = readRows(input.csv);
  if (!headerRow) refuse([{ line: 1, message: 'Arquivo vazio' }]);
  const header = headerRow.cells.map((column) => column.trim().toLowerCase());
  const fromHeader = headerProblems(header);
  if (fromHeader.length > 0) refuse(fromHeader);
  if (rows.length === 0) refuse([{ line: 2, message: 'Nenhuma linha de ativo depois do cabeçalho' }]);
  if (rows.length > MAX_ROWS) refuse([{ line: rows[MAX_ROWS]!.line, message: `No máximo ${MAX_ROWS} linhas por importação` }]);
  const tagIndex = header.indexOf('etiqueta');
  const tags = tagIndex < 0 ? [] : rows.map((row) => cellText(row.cells[tagIndex])).filter(Boolean);
  const context = await importContext(trx, tags);
  const seenTags = new Set<string>();
  const plans: RowPlan[] = [];
  const problems: ImportProblem[] = [];
  for (const row of rows) {
    const planned = planRow(row, header, context, seenTags);
    if (Array.isArray(planned)) problems.push(...planned);
    else plans.push(planned);
  }
  if (problems.length > 0) refuse(problems);
  const creating = plans.filter((plan) => !plan.existing);
  const result = { dryRun: input.dryRun, rows: plans.length, created: creating.length, updated: plans.length - creating.length };
  if (input.dryRun) return result;

  if (creating.length > 0) {
    const { first, settings } = await reserveInventoryNumbers(trx, 'last_tag_number', creating.length);
    const createdBy = audit.actor.type === 'user' ? audit.actor.id : null;
    const values = creating.map((plan, index) => ({
      tenant_id: tenantOf(trx),
      tag: formatTag(settings, first + index),
      tag_number: first + index,
      name: plan.set.name!,
      category_id: plan.set.category_id ?? null,
      location_id: plan.set.location_id ?? null,
      status: plan.set.status ?? 'available',
      lifecycle_state: plan.set.lifecycle_state ?? 'in_service',
      patrimonio: plan.set.patrimonio ?? null,
      serial_number: plan.set.serial_number ?? null,
      purchase_value_cents: plan.set.purchase_value_cents ?? null,
      purchase_date: plan.set.purchase_date ?? null,
      supplier_id: plan.set.supplier_id ?? null,
      notes: plan.set.notes ?? '',
      custom_fields: JSON.stringify(plan.set.custom_fields ?? {}),
      created_by: createdBy,
    }));
    const planOfTag = new Map(values.map((value, index) => [value.tag, creating[index]!]));
    for (let offset = 0; offset < values.length; offset += 500) {
      const inserted = await trx
        .insertInto('inventory_assets')
        .values(values.slice(offset, offset + 500))
        .returning(['id', 'tag'])
        .execute();
      for (const asset of inserted) {
        const { set } = planOfTag.get(asset.tag)!;
        const columns = Object.keys(set) as (keyof RowPlan['set'])[];
        await recordAudit(trx, audit, {
          action: 'inventory.asset.imported',
          entity: 'inventory_assets',
          entityId: asset.id,
          after: { tag: asset.tag, ...audited(columns, (column) => set[column]) },
        });
      }
    }
  }
  for (const plan of plans) {
    if (!plan.existing) continue;
    const { custom_fields: customFields, ...plainColumns } = plan.set;
    await trx
      .updateTable('inventory_assets')
      .set({ ...plainColumns, ...(customFields ? { custom_fields: JSON.stringify(customFields) } : {}), updated_at: new Date() })
      .where('id', '=', plan.existing.id)
      .execute();
    const columns = Object.keys(plan.set) as (keyof RowPlan['set'])[];
    await recordAudit(trx, audit, {
      action: 'inventory.asset.imported',
      entity: 'inventory_assets',
      entityId: plan.existing.id,
      before: audited(columns, (column) => plan.existing![column]),
      after: audited(columns, (column) => plan.set[column]),
    });
  }
  await appendEvent(trx, 'inventory.asset.imported', { created: result.created, updated: result.updated });
  return result;
}
