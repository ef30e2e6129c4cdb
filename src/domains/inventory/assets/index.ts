/**
 * What the inventory's other areas (movements, audits, maintenance, purchasing, machines) use of
 * assets and locations: creating an asset with its tag, locking one and moving it to a new state,
 * and whether someone manages a location. The rest of this folder is the area's own.
 */
export { changeAssetState, insertAsset, lockAsset } from './assets';
export { managesLocation } from './locations';
