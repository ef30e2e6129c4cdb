import type { Caller } from './identity';

/*
 * The assets part's fixtures: a place tree (unit → building → floor → rooms), a category tree
 * with fields at both levels, and files that pass (or fail) the upload checks.
 */

let sequence = 0;
/** A code no other fixture of the run uses (codes are unique per tenant). */
const uniqueCode = (prefix: string) => `${prefix}-${process.pid}-${(sequence += 1)}`;

/** Sede → Bloco A → 1º andar → Sala 101 and Sala 102, each with a unique code. */
export async function seedPlaceTree(owner: Caller, name = 'Sede') {
  const unit = await owner.inventory.locations.create({ type: 'unit', name, code: uniqueCode('UN') });
  const building = await owner.inventory.locations.create({ type: 'building', name: 'Bloco A', code: uniqueCode('BL'), parentId: unit.id });
  const floor = await owner.inventory.locations.create({ type: 'floor', name: '1º andar', code: uniqueCode('AN'), parentId: building.id });
  const room = await owner.inventory.locations.create({ type: 'room', name: 'Sala 101', code: uniqueCode('SL'), parentId: floor.id });
  const otherRoom = await owner.inventory.locations.create({ type: 'room', name: 'Sala 102', code: uniqueCode('SL'), parentId: floor.id });
  return { unit, building, floor, room, otherRoom };
}

/**
 * Informática (field `marca`, required) → Notebooks (fields `memoria_gb` number, `cor` list,
 * `garantia_ate` date, `ssd` yes/no); and Mobiliário with no fields.
 */
export async function seedCategoryTree(owner: Caller, suffix = '') {
  const computing = await owner.inventory.categories.create({
    name: `Informática${suffix}`,
    customFields: [{ key: 'marca', label: 'Marca', type: 'text', required: true }],
  });
  const notebooks = await owner.inventory.categories.create({
    name: 'Notebooks',
    parentId: computing.id,
    customFields: [
      { key: 'memoria_gb', label: 'Memória (GB)', type: 'number', required: false },
      { key: 'cor', label: 'Cor', type: 'select', required: false, options: ['preto', 'prata'] },
      { key: 'garantia_ate', label: 'Garantia até', type: 'date', required: false },
      { key: 'ssd', label: 'SSD', type: 'boolean', required: false },
    ],
  });
  const furniture = await owner.inventory.categories.create({ name: `Mobiliário${suffix}` });
  return { computing, notebooks, furniture };
}

/** The smallest PNG header with some bytes after it: passes the type's first-bytes check. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 7)]);
export const PDF = Buffer.from('%PDF-1.4\n% nota fiscal de teste\n%%EOF\n');

/** POST /api/v1/inventory/assets/:assetId/attachments as the dashboard sends it (raw body). */
export function uploadAttachment(
  url: string,
  token: string | null,
  assetId: string,
  body: Buffer | string,
  type: string,
  options: { name?: string; kind?: string } = {},
): Promise<Response> {
  return fetch(`${url}/api/v1/inventory/assets/${assetId}/attachments${options.kind ? `?kind=${options.kind}` : ''}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.name ? { 'x-file-name': encodeURIComponent(options.name) } : {}),
    },
    body,
  });
}

/** A GET under /api/v1 with the user's access token. */
export const getWithToken = (url: string, token: string, path: string) =>
  fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
