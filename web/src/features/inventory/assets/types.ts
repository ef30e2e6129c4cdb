import type { RouterInputs, RouterOutputs } from '../../../lib/trpc';

export type Asset = RouterOutputs['inventory']['assets']['list']['items'][number];
export type AssetDetail = RouterOutputs['inventory']['assets']['get'];
export type AssetStatus = Asset['status'];
export type LifecycleState = Asset['lifecycleState'];
export type AssetFilters = NonNullable<RouterInputs['inventory']['assets']['list']>;
export type Attachment = AssetDetail['attachments'][number];
export type Category = RouterOutputs['inventory']['categories']['list'][number];
export type CustomField = Category['customFields'][number];
export type Place = RouterOutputs['inventory']['locations']['list'][number];
export type PlaceType = Place['type'];
export type InventorySettings = RouterOutputs['inventory']['settings']['get'];
export type ImportResult = RouterOutputs['inventory']['assets']['import'];
