import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { acknowledgeAlert, listAlerts, raiseTestAlert } from './alerts';
import { dashboardMetrics, listRecords, usageAnalytics, userAnalytics } from './analytics';
import { listUsageAuditLogs } from './audit-logs';
import { createKey, listKeys, revokeKey } from './keys';
import { findModel, listModels, refreshModels, updateModel } from './models';
import { usagePermissions as can } from './permissions';
import { usageRuntime } from './runtime';
import {
  auditLogsInput,
  byId,
  byUserId,
  createKeyInput,
  createUserInput,
  grantTokensInput,
  listAlertsInput,
  listRecordsInput,
  listUsersInput,
  modelName,
  periodInput,
  testAlertInput,
  testEmailInput,
  updateModelInput,
  updateSettingsInput,
  updateUserInput,
  usageAnalyticsInput,
  userAnalyticsInput,
} from './schemas';
import { sendTestEmail } from './alerts';
import { loadSettings, toSettingsView, updateSettings } from './settings';
import { createUser, findUser, grantTokens, listGrants, listUsers, resetUsage, unblockUser, updateUser } from './users';
import { z } from 'zod';

const usage = (permission: string) => permittedProcedure(permission, 'usage');
const reads = usage(can['usage.read']);
const userWrites = usage(can['usage.users.write']);
const alertWrites = usage(can['usage.alerts.write']);
const settingsWrites = usage(can['usage.settings.write']);

const usersRouter = router({
  list: reads.input(listUsersInput).query(({ ctx, input }) => ctx.withTenant((trx) => listUsers(trx, input))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => findUser(trx, input.id))),
  create: userWrites.input(createUserInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createUser(trx, ctx.audit, input))),
  update: userWrites.input(updateUserInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updateUser(trx, ctx.audit, input))),
  grantTokens: userWrites.input(grantTokensInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => grantTokens(trx, ctx.audit, input))),
  grants: reads
    .input(byId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => findUser(trx, input.id).then(() => listGrants(trx, input.id)))),
  resetUsage: userWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => resetUsage(trx, ctx.audit, input.id))),
  /** Lifts this month's budget block (and an admin's block) at once. */
  unblock: userWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => unblockUser(trx, ctx.audit, input.id))),
});

const keysRouter = router({
  list: reads
    .input(byUserId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => findUser(trx, input.userId).then(() => listKeys(trx, input.userId)))),
  create: userWrites.input(createKeyInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createKey(trx, ctx.audit, input))),
  revoke: userWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => revokeKey(trx, ctx.audit, input.id))),
});

const alertsRouter = router({
  list: reads.input(listAlertsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAlerts(trx, input))),
  acknowledge: alertWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => acknowledgeAlert(trx, ctx.audit, input.id))),
  test: alertWrites.input(testAlertInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => raiseTestAlert(trx, ctx.audit, input))),
});

const analyticsRouter = router({
  dashboard: reads.input(periodInput).query(({ ctx, input }) => ctx.withTenant((trx) => dashboardMetrics(trx, ctx.services, input.period))),
  user: reads.input(userAnalyticsInput).query(({ ctx, input }) => ctx.withTenant((trx) => userAnalytics(trx, input.userId, input.period))),
  usage: reads.input(usageAnalyticsInput).query(({ ctx, input }) => ctx.withTenant((trx) => usageAnalytics(trx, input))),
  /** The usage history: one row per request, newest first. */
  records: reads.input(listRecordsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listRecords(trx, input))),
});

const modelsRouter = router({
  list: reads.query(({ ctx }) => ctx.withTenant((trx) => listModels(trx))),
  get: reads.input(z.strictObject({ name: modelName })).query(({ ctx, input }) => ctx.withTenant((trx) => findModel(trx, input.name))),
  update: settingsWrites.input(updateModelInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updateModel(trx, ctx.audit, input))),
  /** Pulls the upstream's /v1/models now. */
  refresh: settingsWrites.mutation(({ ctx }) => refreshModels(ctx.withTenant, ctx.tenant.id, ctx.audit, usageRuntime(ctx.services))),
});

const settingsRouter = router({
  get: reads.query(({ ctx }) => ctx.withTenant(async (trx) => toSettingsView(await loadSettings(trx)))),
  update: settingsWrites.input(updateSettingsInput).mutation(async ({ ctx, input }) => {
    if (input.litellmSettings?.baseUrl) await ctx.services.outboundGuard.checkUrl(input.litellmSettings.baseUrl, 'litellmSettings.baseUrl');
    return ctx.withTenant(async (trx) => toSettingsView(await updateSettings(trx, ctx.audit, ctx.services.secrets, input)));
  }),
  testEmail: settingsWrites
    .input(testEmailInput)
    .mutation(({ ctx, input }) => sendTestEmail(ctx.withTenant, ctx.audit, ctx.services.secrets, input.email)),
});

const logsRouter = router({
  audit: usage(can['usage.logs.read'])
    .input(auditLogsInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listUsageAuditLogs(trx, input))),
});

export const usageRouter = router({
  users: usersRouter,
  keys: keysRouter,
  alerts: alertsRouter,
  analytics: analyticsRouter,
  models: modelsRouter,
  settings: settingsRouter,
  logs: logsRouter,
});
