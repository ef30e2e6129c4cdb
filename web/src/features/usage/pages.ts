import { lazyPage, type FeaturePages } from '../../lib/featurePages';
import { USAGE_PATHS } from './paths';

/**
 * The usage module's pages ("Uso de IA"). Whoever may read usage sees the users, analyses, alerts,
 * models and settings (each write action takes its own permission); the audit log takes usage.logs.read.
 * No sidebar label may contain another: the settings are "Configuração da IA", as the agenda's are "Configurações".
 */
export default {
  order: 400,
  module: 'usage',
  pages: [
    // The list also opens a user's page, at /uso-ia/usuarios/<id>.
    {
      key: 'usageUsers',
      path: USAGE_PATHS.users,
      label: 'Usuários IA',
      permission: 'usage.read',
      component: lazyPage(() => import('./users/UsersPage'), 'UsersPage'),
      subpaths: true,
    },
    {
      key: 'usageAnalytics',
      path: USAGE_PATHS.analytics,
      label: 'Análises',
      permission: 'usage.read',
      component: lazyPage(() => import('./analytics/AnalyticsPage'), 'AnalyticsPage'),
    },
    {
      key: 'usageAlerts',
      path: USAGE_PATHS.alerts,
      label: 'Alertas',
      permission: 'usage.read',
      component: lazyPage(() => import('./alerts/AlertsPage'), 'AlertsPage'),
    },
    {
      key: 'usageModels',
      path: USAGE_PATHS.models,
      label: 'Modelos',
      permission: 'usage.read',
      component: lazyPage(() => import('./models/ModelsPage'), 'ModelsPage'),
    },
    {
      key: 'usageSettings',
      path: USAGE_PATHS.settings,
      label: 'Configuração da IA',
      permission: 'usage.read',
      component: lazyPage(() => import('./settings/SettingsPage'), 'SettingsPage'),
    },
    {
      key: 'usageLogs',
      path: USAGE_PATHS.logs,
      label: 'Logs',
      permission: 'usage.logs.read',
      component: lazyPage(() => import('./logs/LogsPage'), 'LogsPage'),
    },
  ],
} satisfies FeaturePages;
