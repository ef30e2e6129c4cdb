import type { InventoryCustomField, InventoryLocationType, InventoryOrderStatus } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { MOVEMENT_STATUS_LABELS, MOVEMENT_TYPE_LABELS } from '../movement-labels';
import { findAssetView, type AssetView } from './asset-views';
import { listAttachments, type AttachmentView } from './attachments';
import { categoryCatalogue } from './categories';
import { missing } from './errors';
import { findLocation, locationLineage } from './locations';

export interface AssetHistoryEntry {
  at: string;
  kind: 'change' | 'movement' | 'maintenance';
  title: string;
  detail: string;
  actor: string | null;
  /** The movement or order the entry is about, for a link. */
  refId: string | null;
}

export interface AssetDetail extends AssetView {
  categoryPath: { id: string; name: string }[];
  locationPath: { id: string; name: string; code: string; type: InventoryLocationType }[];
  /** The fields its category (and those above) give it, in order. */
  fields: InventoryCustomField[];
  attachments: AttachmentView[];
  history: AssetHistoryEntry[];
  /** What its QR label encodes: its page's address. */
  qrText: string;
}

export const assetNotFound = (field?: string) => missing('Ativo não encontrado', field);

/** The asset's page address, which its QR label carries. */
export const assetPageUrl = (publicUrl: string, assetId: string) => `${publicUrl}/inventario/ativos/${assetId}`;

const ORDER_STATUSES: Record<InventoryOrderStatus, string> = {
  open: 'aberta',
  in_progress: 'em andamento',
  waiting_parts: 'aguardando peças',
  done: 'concluída',
  cancelled: 'cancelada',
};
const CHANGE_TITLES: Record<string, string> = {
  'inventory.asset.created': 'Cadastrado',
  'inventory.asset.updated': 'Dados alterados',
  'inventory.asset.imported': 'Importado de planilha',
};

const FIELD_LABELS: Record<string, string> = {
  name: 'nome',
  categoryId: 'categoria',
  locationId: 'localização',
  patrimonio: 'patrimônio',
  serialNumber: 'número de série',
  purchaseValueCents: 'valor de compra',
  purchaseDate: 'data de compra',
  supplierId: 'fornecedor',
  status: 'situação',
  lifecycleState: 'ciclo de vida',
  customFields: 'campos da categoria',
  notes: 'observações',
};
/** Fields whose values read well as they are; the others (ids, objects) are only named. */
const SHOWN_VALUES = new Set(['name', 'status', 'lifecycleState', 'patrimonio', 'serialNumber', 'purchaseDate']);

/** An audit diff in a line: "nome: Mesa → Mesa grande · localização". */
function summarizeDiff(diff: Record<string, unknown>): string {
  return Object.entries(diff)
    .filter(([key]) => key in FIELD_LABELS)
    .map(([key, change]) => {
      const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
      return SHOWN_VALUES.has(key) && from !== undefined
        ? `${FIELD_LABELS[key]}: ${String(from ?? '—')} → ${String(to ?? '—')}`
        : FIELD_LABELS[key]!;
    })
    .join(' · ');
}

const HISTORY_SIZE = 20;
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * The asset's recent history, newest first: its own changes (from the audit log), and the
 * movements and maintenance orders about it (other parts' tables, read only).
 */
async function assetHistory(trx: TenantTransaction, assetId: string): Promise<AssetHistoryEntry[]> {
  const changes = await trx
    .selectFrom('audit_log')
    .select(['occurred_at', 'action', 'actor_label', 'diff'])
    .where('entity', '=', 'inventory_assets')
    .where('entity_id', '=', assetId)
    .orderBy('id', 'desc')
    .limit(HISTORY_SIZE)
    .execute();
  const movements = await trx
    .selectFrom('inventory_movements as movement')
    .leftJoin('inventory_locations as target', 'target.id', 'movement.to_location_id')
    .select(['movement.id', 'movement.type', 'movement.status', 'movement.updated_at', 'target.name as target_name'])
    .where('movement.asset_id', '=', assetId)
    .orderBy('movement.created_at', 'desc')
    .limit(HISTORY_SIZE)
    .execute();
  const orders = await trx
    .selectFrom('inventory_maintenance_orders')
    .select(['id', 'number', 'title', 'status', 'updated_at'])
    .where('asset_id', '=', assetId)
    .orderBy('created_at', 'desc')
    .limit(HISTORY_SIZE)
    .execute();
  const entries: AssetHistoryEntry[] = [
    ...changes.map((change) => ({
      at: iso(change.occurred_at),
      kind: 'change' as const,
      title: CHANGE_TITLES[change.action] ?? `Situação alterada (${change.action.replace('inventory.asset.', '')})`,
      detail: summarizeDiff(change.diff),
      actor: change.actor_label || null,
      refId: null,
    })),
    ...movements.map((movement) => ({
      at: iso(movement.updated_at),
      kind: 'movement' as const,
      title: `${MOVEMENT_TYPE_LABELS[movement.type]} ${MOVEMENT_STATUS_LABELS[movement.status]}`,
      detail: movement.target_name ? `para ${movement.target_name}` : '',
      actor: null,
      refId: movement.id,
    })),
    ...orders.map((order) => ({
      at: iso(order.updated_at),
      kind: 'maintenance' as const,
      title: `OS ${order.number} ${ORDER_STATUSES[order.status]}`,
      detail: order.title,
      actor: null,
      refId: order.id,
    })),
  ];
  return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, HISTORY_SIZE);
}

/** `assets.get`: the asset with where it sits in both trees, its fields, files, recent history and QR text. */
export async function assetDetail(trx: TenantTransaction, assetId: string, publicUrl: string): Promise<AssetDetail> {
  const asset = await findAssetView(trx, assetId);
  if (!asset) throw assetNotFound();
  const catalogue = asset.categoryId ? (await categoryCatalogue(trx)).get(asset.categoryId) : undefined;
  const locationPath = asset.locationId ? await locationLineage(trx, await findLocation(trx, asset.locationId)) : [];
  return {
    ...asset,
    categoryPath: catalogue?.lineage ?? [],
    locationPath,
    fields: catalogue?.fields ?? [],
    attachments: await listAttachments(trx, assetId),
    history: await assetHistory(trx, assetId),
    qrText: assetPageUrl(publicUrl, assetId),
  };
}
