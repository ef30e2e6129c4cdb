import type { TenantTransaction } from '../../../db/tenant-scope';
import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { inventoryPermissions as can } from '../permissions';
import { loadInventorySettings, toSettingsView, updateInventorySettings } from '../settings';
import { assetDetail } from './asset-detail';
import { createAsset, updateAsset } from './asset-editing';
import { listAssets, resolveAssetCode } from './asset-search';
import { findAssetView, type AssetView } from './asset-views';
import { deleteAttachment, listAttachments } from './attachments';
import { createCategory, deleteCategory, listCategories, toCategoryView, updateCategory } from './categories';
import { importAssets } from './csv-import';
import { inventorySummary } from './dashboard';
import { createLocation, deleteLocation, listLocations, locationCounts, toLocationView, updateLocation } from './locations';
import {
  byId,
  createAssetInput,
  createCategoryInput,
  createLocationInput,
  dashboardInput,
  importAssetsInput,
  listAssetsInput,
  listAttachmentsInput,
  locationCountsInput,
  resolveCodeInput,
  treeListInput,
  updateAssetInput,
  updateCategoryInput,
  updateLocationInput,
  updateSettingsInput,
} from './schemas';

const inventory = (permission: string) => permittedProcedure(permission, 'inventory');
const reads = inventory(can['inventory.assets.read']);
const assetWrites = inventory(can['inventory.assets.write']);
const locationWrites = inventory(can['inventory.locations.write']);

const viewOf = async (trx: TenantTransaction, asset: { id: string }): Promise<AssetView> => (await findAssetView(trx, asset.id))!;

/** The assets part of `inventory.*`: settings, categories, locations, assets (with CSV import), attachments and the dashboard. */
export const assetsRouters = {
  settings: router({
    get: reads.query(({ ctx }) => ctx.withTenant(async (trx) => toSettingsView(await loadInventorySettings(trx)))),
    update: inventory(can['inventory.settings.write'])
      .input(updateSettingsInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toSettingsView(await updateInventorySettings(trx, ctx.audit, input)))),
  }),
  categories: router({
    list: reads.input(treeListInput).query(({ ctx, input }) => ctx.withTenant((trx) => listCategories(trx, input))),
    create: assetWrites
      .input(createCategoryInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toCategoryView(await createCategory(trx, ctx.audit, input)))),
    update: assetWrites
      .input(updateCategoryInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toCategoryView(await updateCategory(trx, ctx.audit, input)))),
    delete: assetWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => deleteCategory(trx, ctx.audit, input.id))),
  }),
  locations: router({
    list: reads.input(treeListInput).query(({ ctx, input }) => ctx.withTenant((trx) => listLocations(trx, input))),
    counts: reads.input(locationCountsInput).query(({ ctx, input }) => ctx.withTenant((trx) => locationCounts(trx, input.locationId))),
    create: locationWrites
      .input(createLocationInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toLocationView(await createLocation(trx, ctx.audit, input)))),
    update: locationWrites
      .input(updateLocationInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toLocationView(await updateLocation(trx, ctx.audit, input)))),
    delete: locationWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => deleteLocation(trx, ctx.audit, input.id))),
  }),
  assets: router({
    list: reads.input(listAssetsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAssets(trx, input))),
    get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => assetDetail(trx, input.id, ctx.services.config.publicUrl))),
    /** A scanned QR (the asset's page address) or a typed tag, patrimônio or serial → the asset. */
    resolveCode: reads.input(resolveCodeInput).query(({ ctx, input }) => ctx.withTenant((trx) => resolveAssetCode(trx, input.code))),
    create: assetWrites
      .input(createAssetInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => viewOf(trx, await createAsset(trx, ctx.audit, input)))),
    update: assetWrites
      .input(updateAssetInput)
      .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => viewOf(trx, await updateAsset(trx, ctx.audit, input)))),
    /** A CSV in the export's columns; `dryRun` checks every row without writing. Any bad row: 400 with `details.rows`, nothing written. */
    import: assetWrites.input(importAssetsInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => importAssets(trx, ctx.audit, input))),
  }),
  attachments: router({
    list: reads.input(listAttachmentsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAttachments(trx, input.assetId))),
    delete: assetWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => deleteAttachment(trx, ctx.audit, input.id))),
  }),
  dashboard: router({
    summary: reads.input(dashboardInput).query(({ ctx, input }) => ctx.withTenant((trx) => inventorySummary(trx, input.locationId))),
  }),
};
