import type { RouterInputs, RouterOutputs } from '../../lib/trpc';

type Usage = RouterOutputs['usage'];

export type UsageUser = Usage['users']['list']['items'][number];
export type UsersPage = Usage['users']['list'];
export type Grant = Usage['users']['grants'][number];
export type UsageKey = Usage['keys']['list'][number];
export type CreatedKey = Usage['keys']['create'];
export type UsageAlert = Usage['alerts']['list']['items'][number];
export type DashboardMetrics = Usage['analytics']['dashboard'];
export type UserAnalytics = Usage['analytics']['user'];
export type UsageGroup = Usage['analytics']['usage'][number];
export type UsageRecord = Usage['analytics']['records']['items'][number];
export type UsageModel = Usage['models']['list'][number];
export type UsageSettings = Usage['settings']['get'];
export type UsageAuditLog = Usage['logs']['audit']['items'][number];

export type UserStatus = UsageUser['status'];
export type Plan = UsageUser['plan'];
export type AlertType = UsageAlert['type'];
export type AlertStatus = UsageAlert['status'];
export type AlertSeverity = UsageAlert['severity'];
export type ModelStatus = UsageModel['status'];
export type AnalyticsPeriod = DashboardMetrics['period'];
export type GroupBy = NonNullable<RouterInputs['usage']['analytics']['usage']['groupBy']>;
export type SettingsUpdate = RouterInputs['usage']['settings']['update'];
