import { z } from 'zod';
import { text } from '../../../platform/validation';
import { isValidCnpj, normaliseCnpj } from '../cnpj';

export const id = z.uuid({ error: 'Identificador inválido' });
const supplierId = z.uuid({ error: 'Escolha o fornecedor' });
export const byId = z.strictObject({ id });

/** The most units one order (or one quote) may bring: receiving creates one asset per unit, in one transaction. */
export const MAX_UNITS_PER_ORDER = 1000;
const MAX_ITEMS = 50;

const cnpj = z
  .string({ error: 'Informe o CNPJ' })
  .trim()
  .max(32, 'CNPJ inválido')
  .refine(isValidCnpj, 'CNPJ inválido: confira os 14 caracteres e os dígitos verificadores')
  .transform(normaliseCnpj);

const optionalText = (max: number, label: string) =>
  text({ max, maxMessage: `${label}: no máximo ${max} caracteres` })
    .optional()
    .transform((value) => value || undefined);

/** An emptied field clears the value; an absent one leaves it as it is. */
const emptyAsNull = (value: string | undefined) => (value === '' ? null : value);

const supplierFields = {
  name: text({ min: 1, minMessage: 'Informe o nome do fornecedor', max: 160, maxMessage: 'Nome: no máximo 160 caracteres' }),
  cnpj,
  contact: text({ max: 160, maxMessage: 'Contato: no máximo 160 caracteres' }).optional(),
  email: z
    .union([z.literal(''), z.email({ error: 'E-mail inválido' }).max(254, 'E-mail longo demais')])
    .optional()
    .transform(emptyAsNull),
  phone: z
    .union([
      z.literal(''),
      z
        .string()
        .trim()
        .regex(/^[0-9()+\s.-]{8,32}$/, 'Telefone: de 8 a 32 dígitos, espaços, ( ) + . -'),
    ])
    .optional()
    .transform(emptyAsNull),
};

export const createSupplierInput = z.strictObject(supplierFields);
export const updateSupplierInput = z.strictObject({
  id,
  name: supplierFields.name.optional(),
  cnpj: cnpj.optional(),
  contact: supplierFields.contact,
  email: supplierFields.email,
  phone: supplierFields.phone,
  active: z.boolean().optional(),
});
export const listSuppliersInput = z
  .strictObject({
    q: text({ max: 100 }).optional(),
    includeInactive: z.boolean().optional(),
  })
  .default({});

const description = text({
  min: 1,
  minMessage: 'Descreva o item',
  max: 300,
  maxMessage: 'Descrição: no máximo 300 caracteres',
});
const quantity = z
  .number({ error: 'Quantidade: um número inteiro' })
  .int('Quantidade: um número inteiro')
  .min(1, 'Quantidade mínima: 1')
  .max(MAX_UNITS_PER_ORDER, `Quantidade máxima: ${MAX_UNITS_PER_ORDER}`);
const cents = z
  .number({ error: 'Valor em centavos: um número inteiro' })
  .int('Valor em centavos: um número inteiro')
  .min(0, 'O valor não pode ser negativo')
  .max(100_000_000_000, 'Valor alto demais');

/** Items of a quote or an order: at least one, and no more units than one receipt creates. */
const itemList = <Item extends z.ZodType<{ quantity: number }>>(item: Item) =>
  z
    .array(item)
    .min(1, 'Inclua ao menos um item')
    .max(MAX_ITEMS, `No máximo ${MAX_ITEMS} itens`)
    .refine((items) => items.reduce((sum, entry) => sum + entry.quantity, 0) <= MAX_UNITS_PER_ORDER, {
      message: `No máximo ${MAX_UNITS_PER_ORDER} unidades no total (o recebimento cria um ativo por unidade)`,
    });

const title = text({ min: 1, minMessage: 'Informe um título', max: 160, maxMessage: 'Título: no máximo 160 caracteres' });
const notes = text({ max: 2000, maxMessage: 'Observações: no máximo 2000 caracteres' }).optional();
const day = z.iso.date({ error: 'Data no formato AAAA-MM-DD' });

export const createQuoteInput = z.strictObject({
  title,
  items: itemList(z.strictObject({ categoryId: id.nullable().optional(), description, quantity })),
});

export const addBudgetInput = z.strictObject({
  quoteRequestId: id,
  supplierId,
  items: z
    .array(z.strictObject({ requestItemId: id, unitValueCents: cents }))
    .min(1, 'Informe o preço de cada item')
    .max(MAX_ITEMS)
    .refine((items) => new Set(items.map((item) => item.requestItemId)).size === items.length, {
      message: 'Cada item do pedido aparece uma vez só',
    }),
  validUntil: day.nullable().optional(),
  deliveryDays: z
    .number({ error: 'Prazo de entrega: dias inteiros' })
    .int('Prazo de entrega: dias inteiros')
    .min(0, 'Prazo de entrega: 0 ou mais dias')
    .max(3650, 'Prazo de entrega: no máximo 3650 dias')
    .nullable()
    .optional(),
  notes,
});

export const chooseBudgetInput = z.strictObject({ quoteRequestId: id, budgetId: id });

export const listQuotesInput = z.strictObject({ status: z.enum(['open', 'decided', 'cancelled']).optional() }).default({});

export const createPurchaseOrderInput = z.strictObject({
  supplierId,
  items: itemList(z.strictObject({ categoryId: id.nullable().optional(), description, quantity, unitValueCents: cents })),
  notes,
});

export const listPurchaseOrdersInput = z
  .strictObject({ status: z.enum(['pending_approval', 'approved', 'rejected', 'received', 'cancelled']).optional() })
  .default({});

export const decidePurchaseOrderInput = z.strictObject({
  id,
  note: optionalText(1000, 'Justificativa'),
});

export const receivePurchaseOrderInput = z.strictObject({ id, locationId: z.uuid({ error: 'Escolha a localização de recebimento' }) });
