import type { InventoryMaintenanceContract, InventorySla } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { tenantToday } from '../tenant-clock';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { contractInForce } from './sla-clock';

export interface ContractView {
  id: string;
  supplier: { id: string; name: string };
  name: string;
  startDate: string;
  endDate: string | null;
  /** Whether it covers today, in the tenant's zone: only then do new orders get its deadlines. */
  inForce: boolean;
  sla: InventorySla;
  notes: string;
  createdAt: string;
}

function selectContracts(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_maintenance_contracts as contract')
    .innerJoin('inventory_suppliers as supplier', 'supplier.id', 'contract.supplier_id')
    .selectAll('contract')
    .select('supplier.name as supplier_name');
}

type ContractRow = InventoryMaintenanceContract & { supplier_name: string };

const toContractView = (contract: ContractRow, today: string): ContractView => ({
  id: contract.id,
  supplier: { id: contract.supplier_id, name: contract.supplier_name },
  name: contract.name,
  startDate: contract.start_date,
  endDate: contract.end_date,
  inForce: contractInForce(contract, today),
  sla: contract.sla_json,
  notes: contract.notes,
  createdAt: contract.created_at.toISOString(),
});

export async function findContract(trx: TenantTransaction, contractId: string): Promise<InventoryMaintenanceContract> {
  const contract = await trx.selectFrom('inventory_maintenance_contracts').selectAll().where('id', '=', contractId).executeTakeFirst();
  if (!contract) throw notFound('Contrato');
  return contract;
}

export async function checkSupplier(trx: TenantTransaction, supplierId: string): Promise<void> {
  const supplier = await trx.selectFrom('inventory_suppliers').select('id').where('id', '=', supplierId).executeTakeFirst();
  if (!supplier) throw notFound('Fornecedor');
}

export async function listContracts(trx: TenantTransaction): Promise<ContractView[]> {
  const today = await tenantToday(trx);
  const rows = await selectContracts(trx).orderBy('contract.name').orderBy('contract.id').execute();
  return rows.map((row) => toContractView(row, today));
}

export async function getContract(trx: TenantTransaction, contractId: string): Promise<ContractView> {
  const row = await selectContracts(trx).where('contract.id', '=', contractId).executeTakeFirst();
  if (!row) throw notFound('Contrato');
  return toContractView(row, await tenantToday(trx));
}

export interface ContractFields {
  name: string;
  startDate: string;
  endDate?: string | null | undefined;
  sla: InventorySla;
  notes?: string | undefined;
}

const auditedFields = (contract: InventoryMaintenanceContract) => ({
  name: contract.name,
  supplierId: contract.supplier_id,
  startDate: contract.start_date,
  endDate: contract.end_date,
  sla: contract.sla_json,
});

export async function createContract(
  trx: TenantTransaction,
  audit: AuditContext,
  input: ContractFields & { supplierId: string },
): Promise<ContractView> {
  await checkSupplier(trx, input.supplierId);
  const contract = await trx
    .insertInto('inventory_maintenance_contracts')
    .values({
      tenant_id: tenantOf(trx),
      supplier_id: input.supplierId,
      name: input.name,
      start_date: input.startDate,
      end_date: input.endDate ?? null,
      sla_json: JSON.stringify(input.sla),
      notes: input.notes ?? '',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.maintenance.contract_created',
    entity: 'inventory_maintenance_contracts',
    entityId: contract.id,
    after: auditedFields(contract),
  });
  return getContract(trx, contract.id);
}

/** Changes a contract; orders already open keep the deadlines they got. */
export async function updateContract(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Partial<ContractFields> & { id: string },
): Promise<ContractView> {
  const before = await findContract(trx, input.id);
  const startDate = input.startDate ?? before.start_date;
  const endDate = input.endDate === undefined ? before.end_date : input.endDate;
  if (endDate !== null && endDate < startDate)
    throw new DomainError('BAD_REQUEST', 'INVALID_DATES', 'O fim da vigência não pode ser antes do início', { field: 'endDate' });
  const after = await trx
    .updateTable('inventory_maintenance_contracts')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      start_date: startDate,
      end_date: endDate,
      ...(input.sla !== undefined ? { sla_json: JSON.stringify(input.sla) } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.maintenance.contract_updated',
    entity: 'inventory_maintenance_contracts',
    entityId: after.id,
    before: auditedFields(before),
    after: auditedFields(after),
  });
  return getContract(trx, after.id);
}
