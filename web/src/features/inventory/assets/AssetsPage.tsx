import { useParams } from 'react-router';
import { AssetDetailPage } from './AssetDetailPage';
import { AssetList } from './AssetList';
import { useAssetsLiveQueries } from './liveEvents';

/** /inventario/ativos lists the assets; /inventario/ativos/<id> (where each QR label points) opens one of them. */
export function AssetsPage() {
  useAssetsLiveQueries();
  const assetId = useParams()['*'] || null;
  return assetId ? <AssetDetailPage key={assetId} assetId={assetId} /> : <AssetList />;
}
