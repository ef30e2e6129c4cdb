import { z } from 'zod';
import { jsonRecord, text } from '../../../platform/validation';

export const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });

export const ASSET_STATUSES = ['available', 'in_use', 'on_loan', 'in_maintenance', 'missing', 'lost', 'disposed'] as const;
export const LIFECYCLE_STATES = ['ordered', 'in_service', 'retired', 'disposed'] as const;
export const LOCATION_TYPES = ['unit', 'building', 'floor', 'room'] as const;
export const ATTACHMENT_KINDS = ['photo', 'invoice', 'manual', 'other'] as const;
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select'] as const;

/** Statuses a person sets by editing an asset; the others belong to loans, maintenance and audits. */
export const EDITABLE_STATUSES = ['available', 'in_use', 'disposed'] as const;

const isoDate = z.iso.date({ error: 'Data no formato AAAA-MM-DD' });

// Settings

const millimetres = (max: number) => z.number({ error: 'Informe um número' }).min(0, 'Mínimo 0 mm').max(max, `Máximo ${max} mm`);
export const labelSheetInput = z.strictObject({
  columns: z.number().int('Número inteiro').min(1, 'Ao menos 1 coluna').max(6, 'No máximo 6 colunas'),
  rows: z.number().int('Número inteiro').min(1, 'Ao menos 1 linha').max(20, 'No máximo 20 linhas'),
  marginTopMm: millimetres(40),
  marginLeftMm: millimetres(40),
  gapXMm: millimetres(20),
  gapYMm: millimetres(20),
});

export const updateSettingsInput = z.strictObject({
  tagPrefix: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{0,10}$/, 'Prefixo: até 10 letras, números ou hífen (PAT-)')
    .optional(),
  tagDigits: z.number().int('Número inteiro').min(3, 'De 3 a 10 dígitos').max(10, 'De 3 a 10 dígitos').optional(),
  labelSheet: labelSheetInput.optional(),
  loanReminderDays: z.number().int('Número inteiro').min(0, 'De 0 a 60 dias').max(60, 'De 0 a 60 dias').optional(),
  slaWarningPercent: z.number().int('Número inteiro').min(10, 'De 10 a 99%').max(99, 'De 10 a 99%').optional(),
  agentSilenceMinutes: z.number().int('Número inteiro').min(1, 'De 1 a 10080 minutos').max(10_080, 'De 1 a 10080 minutos').optional(),
  heartbeatRetentionDays: z.number().int('Número inteiro').min(1, 'De 1 a 365 dias').max(365, 'De 1 a 365 dias').optional(),
});

// Categories

export const customFieldInput = z
  .strictObject({
    key: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Chave: letras minúsculas, números e _ (começando por letra), até 40'),
    label: text({ min: 1, minMessage: 'Informe o rótulo do campo', max: 80 }),
    type: z.enum(CUSTOM_FIELD_TYPES, { error: 'Tipo: texto, número, data, sim/não ou lista' }),
    required: z.boolean().default(false),
    options: z
      .array(text({ min: 1, minMessage: 'Opção vazia', max: 80 }))
      .max(50, 'No máximo 50 opções')
      .optional(),
  })
  .refine((field) => field.type !== 'select' || (field.options?.length ?? 0) > 0, {
    message: 'Uma lista precisa de ao menos uma opção',
    path: ['options'],
  })
  .refine((field) => new Set(field.options ?? []).size === (field.options ?? []).length, {
    message: 'Opções repetidas',
    path: ['options'],
  });

const customFieldsInput = z
  .array(customFieldInput)
  .max(30, 'No máximo 30 campos por categoria')
  .refine((fields) => new Set(fields.map((field) => field.key)).size === fields.length, { message: 'Chaves de campo repetidas' });

const categoryName = text({ min: 1, minMessage: 'Informe o nome da categoria', max: 120 });
export const createCategoryInput = z.strictObject({
  name: categoryName,
  parentId: id.nullable().optional(),
  customFields: customFieldsInput.optional(),
});
export const updateCategoryInput = z.strictObject({
  id,
  name: categoryName.optional(),
  parentId: id.nullable().optional(),
  customFields: customFieldsInput.optional(),
});

// Locations

const latitude = z.number({ error: 'Latitude: um número' }).min(-90, 'Latitude entre -90 e 90').max(90, 'Latitude entre -90 e 90');
const longitude = z
  .number({ error: 'Longitude: um número' })
  .min(-180, 'Longitude entre -180 e 180')
  .max(180, 'Longitude entre -180 e 180');
const locationCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,40}$/, 'Código: de 1 a 40 letras, números, . _ ou -');
const locationFields = {
  name: text({ min: 1, minMessage: 'Informe o nome da localização', max: 120 }),
  code: locationCode,
  type: z.enum(LOCATION_TYPES, { error: 'Tipo: unidade, prédio, andar ou sala' }),
  parentId: id.nullable().optional(),
  latitude: latitude.nullable().optional(),
  longitude: longitude.nullable().optional(),
  managerId: id.nullable().optional(),
};
const pointComplete = (location: { latitude?: number | null | undefined; longitude?: number | null | undefined }) =>
  (location.latitude === undefined) === (location.longitude === undefined) &&
  (location.latitude === null) === (location.longitude === null);
const pointMessage = { message: 'Informe latitude e longitude juntas', path: ['longitude'] };
export const createLocationInput = z.strictObject(locationFields).refine(pointComplete, pointMessage);
export const updateLocationInput = z
  .strictObject({
    id,
    name: locationFields.name.optional(),
    code: locationCode.optional(),
    type: locationFields.type.optional(),
    parentId: locationFields.parentId,
    latitude: locationFields.latitude,
    longitude: locationFields.longitude,
    managerId: locationFields.managerId,
  })
  .refine(pointComplete, pointMessage);
export const locationCountsInput = z.strictObject({ locationId: id });
/** Lists for pickers skip the asset counts, which read every asset's place (or category). */
export const treeListInput = z.strictObject({ withCounts: z.boolean().default(false) }).default({ withCounts: false });

// Assets

const optionalText = (max: number) => text({ max }).transform((value) => value || null);
const assetFields = {
  name: text({ min: 1, minMessage: 'Informe o nome do ativo', max: 200 }),
  categoryId: id.nullable().optional(),
  patrimonio: optionalText(60).nullable().optional(),
  serialNumber: optionalText(120).nullable().optional(),
  purchaseValueCents: z
    .number({ error: 'Valor em centavos' })
    .int('Valor em centavos inteiros')
    .min(0, 'O valor não pode ser negativo')
    .max(1e13, 'Valor alto demais')
    .nullable()
    .optional(),
  purchaseDate: isoDate.nullable().optional(),
  supplierId: id.nullable().optional(),
  locationId: id.nullable().optional(),
  lifecycleState: z.enum(LIFECYCLE_STATES, { error: 'Ciclo de vida inválido' }).optional(),
  customFields: jsonRecord(40).optional(),
  notes: text({ max: 4000 }).optional(),
};
const editableStatus = z.enum(EDITABLE_STATUSES, { error: 'Situação: disponível, em uso ou baixado' });
export const createAssetInput = z.strictObject({ ...assetFields, status: editableStatus.optional() });
export const updateAssetInput = z.strictObject({
  id,
  ...assetFields,
  name: assetFields.name.optional(),
  status: editableStatus.optional(),
});

export const ASSET_SORTS = ['recent', 'name', 'tag'] as const;
export const listAssetsInput = z
  .strictObject({
    q: text({ max: 200 }).optional(),
    categoryId: id.optional(),
    locationId: id.optional(),
    status: z
      .array(z.enum(ASSET_STATUSES, { error: 'Situação inválida' }))
      .max(7)
      .optional(),
    sort: z.enum(ASSET_SORTS, { error: 'Ordem: recent, name ou tag' }).default('recent'),
    cursor: z.string().max(500).optional(),
    limit: z.number().int().min(1, 'De 1 a 200').max(200, 'De 1 a 200').default(50),
  })
  .default({ sort: 'recent', limit: 50 });
export type ListAssetsInput = z.infer<typeof listAssetsInput>;

export const resolveCodeInput = z.strictObject({
  code: text({ min: 1, minMessage: 'Informe a etiqueta ou leia o QR', max: 500 }),
});

/** A CSV in the export's columns; 5,000 rows at most per import (the request body is capped too). */
export const importAssetsInput = z.strictObject({
  csv: z.string().min(1, 'Arquivo vazio').max(2_000_000, 'Arquivo grande demais (máx. 2 MB)'),
  dryRun: z.boolean().default(false),
});

// Attachments

export const listAttachmentsInput = z.strictObject({ assetId: id });
export const attachmentKind = z.enum(ATTACHMENT_KINDS, { error: 'Tipo de anexo: photo, invoice, manual ou other' });

// Labels

export const labelAssetIds = z
  .array(id)
  .min(1, 'Escolha ao menos um ativo')
  .max(500, 'No máximo 500 etiquetas por folha')
  .transform((ids) => [...new Set(ids)]);

// Dashboard

export const dashboardInput = z.strictObject({ locationId: id.optional() }).default({});
