import { lazyPage, type FeaturePages } from '../../lib/featurePages';
import { INVENTORY_PATHS } from './paths';

/** The inventory's pages ("Inventário"), in the order of its notes' modules; a loan's term is accepted on a bare page, without login. */
export default {
  order: 500,
  module: 'inventory',
  pages: [
    {
      key: 'inventoryDashboard',
      path: INVENTORY_PATHS.dashboard,
      label: 'Visão do inventário',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./dashboard/InventoryDashboardPage'), 'InventoryDashboardPage'),
    },
    {
      key: 'inventoryAssets',
      path: INVENTORY_PATHS.assets,
      label: 'Ativos',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./assets/AssetsPage'), 'AssetsPage'),
      subpaths: true,
    },
    {
      key: 'inventoryCategories',
      path: INVENTORY_PATHS.categories,
      label: 'Categorias',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./categories/CategoriesPage'), 'CategoriesPage'),
    },
    {
      key: 'inventoryLocations',
      path: INVENTORY_PATHS.locations,
      label: 'Localizações',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./locations/LocationsPage'), 'LocationsPage'),
    },
    {
      key: 'inventoryScan',
      path: INVENTORY_PATHS.scan,
      label: 'Escanear etiqueta',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./scan/ScanPage'), 'ScanPage'),
    },
    {
      key: 'inventoryMovements',
      path: INVENTORY_PATHS.movements,
      label: 'Movimentações',
      permission: 'inventory.movements.read',
      component: lazyPage(() => import('./movements/MovementsPage'), 'MovementsPage'),
      subpaths: true,
    },
    {
      key: 'inventoryAudits',
      path: INVENTORY_PATHS.audits,
      label: 'Inventários físicos',
      permission: 'inventory.audits.read',
      component: lazyPage(() => import('./audits/AuditsPage'), 'AuditsPage'),
      subpaths: true,
    },
    {
      key: 'inventoryMaintenance',
      path: INVENTORY_PATHS.maintenance,
      label: 'Manutenção',
      permission: 'inventory.maintenance.read',
      component: lazyPage(() => import('./maintenance/MaintenancePage'), 'MaintenancePage'),
    },
    {
      key: 'inventoryPurchases',
      path: INVENTORY_PATHS.purchases,
      label: 'Compras',
      permission: 'inventory.purchasing.read',
      component: lazyPage(() => import('./purchases/PurchasesPage'), 'PurchasesPage'),
    },
    {
      key: 'inventoryQuotes',
      path: INVENTORY_PATHS.quotes,
      label: 'Orçamentos',
      permission: 'inventory.purchasing.read',
      component: lazyPage(() => import('./quotes/QuotesPage'), 'QuotesPage'),
    },
    {
      key: 'inventorySuppliers',
      path: INVENTORY_PATHS.suppliers,
      label: 'Fornecedores',
      permission: 'inventory.purchasing.read',
      component: lazyPage(() => import('./suppliers/SuppliersPage'), 'SuppliersPage'),
    },
    {
      key: 'inventoryMachines',
      path: INVENTORY_PATHS.machines,
      label: 'Máquinas',
      permission: 'inventory.machines.read',
      component: lazyPage(() => import('./machines/MachinesPage'), 'MachinesPage'),
    },
    {
      key: 'inventoryOccurrences',
      path: INVENTORY_PATHS.occurrences,
      label: 'Ocorrências',
      permission: 'inventory.machines.read',
      component: lazyPage(() => import('./occurrences/OccurrencesPage'), 'OccurrencesPage'),
    },
    {
      key: 'inventorySettings',
      path: INVENTORY_PATHS.settings,
      label: 'Configuração do inventário',
      permission: 'inventory.assets.read',
      component: lazyPage(() => import('./settings/InventorySettingsPage'), 'InventorySettingsPage'),
    },
  ],
  barePages: [
    {
      key: 'inventoryTermAcceptance',
      path: `${INVENTORY_PATHS.termAcceptance}/:token`,
      component: lazyPage(() => import('./term-acceptance/TermAcceptancePage'), 'TermAcceptancePage'),
    },
  ],
} satisfies FeaturePages;
