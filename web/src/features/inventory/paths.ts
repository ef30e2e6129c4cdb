/** Where the inventory's pages live: all under /inventario, named after the modules of its notes (/ativos, /movimentacoes …). */
export const INVENTORY_PATHS = {
  dashboard: '/inventario/dashboard',
  assets: '/inventario/ativos',
  categories: '/inventario/categorias',
  locations: '/inventario/localizacoes',
  scan: '/inventario/escanear',
  movements: '/inventario/movimentacoes',
  audits: '/inventario/auditorias',
  maintenance: '/inventario/manutencao',
  purchases: '/inventario/compras',
  quotes: '/inventario/orcamentos',
  suppliers: '/inventario/fornecedores',
  machines: '/inventario/maquinas',
  occurrences: '/inventario/ocorrencias',
  settings: '/inventario/configuracoes',
  /** The borrower's page for accepting a loan's term by link (no login). */
  termAcceptance: '/termo',
} as const;

/** An asset's page, which its QR label opens. */
export function assetPath(assetId: string): `/${string}` {
  return `${INVENTORY_PATHS.assets}/${encodeURIComponent(assetId)}`;
}

export function movementPath(movementId: string): `/${string}` {
  return `${INVENTORY_PATHS.movements}/${encodeURIComponent(movementId)}`;
}

export function auditPath(auditId: string): `/${string}` {
  return `${INVENTORY_PATHS.audits}/${encodeURIComponent(auditId)}`;
}
