import type { z } from 'zod';
import type { InventorySupplier } from '../../../db/schema';
import { containing } from '../../../db/like-patterns';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { formatCnpj } from '../cnpj';
import type { createSupplierInput, listSuppliersInput, updateSupplierInput } from './schemas';
import { refusingDuplicates } from './unique-keys';

export interface SupplierView {
  id: string;
  name: string;
  /** 14 characters, no punctuation: what is stored and unique per tenant. */
  cnpj: string;
  /** `12.ABC.345/01DE-35`. */
  cnpjFormatted: string;
  contact: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  createdAt: string;
}

export const toSupplierView = (supplier: InventorySupplier): SupplierView => ({
  id: supplier.id,
  name: supplier.name,
  cnpj: supplier.tax_id,
  cnpjFormatted: formatCnpj(supplier.tax_id),
  contact: supplier.contact,
  email: supplier.email,
  phone: supplier.phone,
  active: supplier.active,
  createdAt: supplier.created_at.toISOString(),
});

const MAX_LISTED = 500;

export async function listSuppliers(trx: TenantTransaction, input: z.infer<typeof listSuppliersInput>): Promise<InventorySupplier[]> {
  let query = trx.selectFrom('inventory_suppliers').selectAll();
  if (!input.includeInactive) query = query.where('active', '=', true);
  if (input.q) {
    const pattern = containing(input.q);
    const digits = input.q.toUpperCase().replace(/[\s./-]/g, '');
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), ...(digits ? [eb('tax_id', 'like', containing(digits))] : [])]));
  }
  return query.orderBy('active', 'desc').orderBy('name').orderBy('id').limit(MAX_LISTED).execute();
}

/** The tenant's supplier; another tenant's id answers like a random one. */
export async function findSupplier(trx: TenantTransaction, supplierId: string): Promise<InventorySupplier> {
  const supplier = await trx.selectFrom('inventory_suppliers').selectAll().where('id', '=', supplierId).executeTakeFirst();
  if (!supplier) throw notFound('Fornecedor');
  return supplier;
}

/** A CNPJ another supplier of the tenant has: 409 beside the field. */
const uniqueCnpj = <T>(write: Promise<T>) =>
  refusingDuplicates(
    write,
    () => new DomainError('CONFLICT', 'SUPPLIER_CNPJ_TAKEN', 'Já existe um fornecedor com este CNPJ', { field: 'cnpj' }),
  );

const audited = (supplier: InventorySupplier) => ({
  name: supplier.name,
  cnpj: supplier.tax_id,
  contact: supplier.contact,
  email: supplier.email,
  phone: supplier.phone,
  active: supplier.active,
});

async function recordSupplierChange(
  trx: TenantTransaction,
  audit: AuditContext,
  supplier: InventorySupplier,
  before?: InventorySupplier,
): Promise<void> {
  await recordAudit(trx, audit, {
    action: before ? 'inventory.supplier.updated' : 'inventory.supplier.created',
    entity: 'inventory_suppliers',
    entityId: supplier.id,
    ...(before ? { before: audited(before) } : {}),
    after: audited(supplier),
  });
  await appendEvent(trx, 'inventory.supplier.changed', { supplierId: supplier.id, name: supplier.name });
}

export async function createSupplier(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createSupplierInput>,
): Promise<InventorySupplier> {
  const supplier = await uniqueCnpj(
    trx
      .insertInto('inventory_suppliers')
      .values({
        tenant_id: tenantOf(trx),
        name: input.name,
        tax_id: input.cnpj,
        contact: input.contact ?? '',
        email: input.email ?? null,
        phone: input.phone ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordSupplierChange(trx, audit, supplier);
  return supplier;
}

export async function updateSupplier(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateSupplierInput>,
): Promise<InventorySupplier> {
  const before = await findSupplier(trx, input.id);
  const after = await uniqueCnpj(
    trx
      .updateTable('inventory_suppliers')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.cnpj !== undefined ? { tax_id: input.cnpj } : {}),
        ...(input.contact !== undefined ? { contact: input.contact } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordSupplierChange(trx, audit, after, before);
  return after;
}
