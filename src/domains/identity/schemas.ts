import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../platform/auth/passwords';
import { MODULES } from '../../platform/modules';
import { jsonRecord, text } from '../../platform/validation';
import { isIanaTimezone } from './tenants';

export const id = z.uuid({ error: 'Identificador inválido' });
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: 'E-mail inválido' }));
export const personName = text({ min: 1, minMessage: 'Informe o nome', max: 200, maxMessage: 'Nome longo demais' });
export const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `A senha precisa de ao menos ${PASSWORD_MIN_LENGTH} caracteres`)
  .max(PASSWORD_MAX_LENGTH, 'Senha longa demais');
export const tenantSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'Use letras minúsculas, números e hífens (até 63)');
export const roleKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,49}$/, 'Chave de papel inválida');
export const timezone = z.string().trim().max(64).refine(isIanaTimezone, 'Fuso horário IANA inválido (ex.: America/Sao_Paulo)');
export const moduleList = z.array(z.enum(MODULES)).max(MODULES.length);
const grant = z.string().trim().min(1).max(100);

export const loginInput = z.strictObject({
  tenant: tenantSlug,
  email,
  password: z.string().min(1, 'Informe a senha').max(PASSWORD_MAX_LENGTH),
});
const refreshTokenValue = z.string().min(10).max(200);
export const refreshInput = z.strictObject({ refreshToken: refreshTokenValue.optional() }).default({});
export const logoutInput = z.strictObject({ refreshToken: refreshTokenValue.optional() }).default({});

export const createUserInput = z.strictObject({ email, name: personName, password, role: roleKey });
export const inviteUserInput = z.strictObject({ email, name: personName, role: roleKey });
export const acceptInviteInput = z.strictObject({ token: z.string().regex(/^inv_[A-Za-z0-9_-]{32}$/, 'Convite inválido'), password });
export const updateUserInput = z.strictObject({
  id,
  email: email.optional(),
  name: personName.optional(),
  role: roleKey.optional(),
  password: password.optional(),
  active: z.boolean().optional(),
});
export const byId = z.strictObject({ id });

export const createRoleInput = z.strictObject({
  key: roleKey,
  name: personName,
  description: text({ max: 500 }).optional(),
  permissions: z.array(grant).min(1, 'Escolha ao menos uma permissão').max(200),
});
export const updateRoleInput = z.strictObject({
  id,
  name: personName.optional(),
  description: text({ max: 500 }).optional(),
  permissions: z.array(grant).min(1).max(200).optional(),
});

export const createApiTokenInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Dê um nome ao token', max: 100 }),
  scopes: z.array(z.string().trim().min(1).max(100)).min(1, 'Escolha ao menos um escopo').max(100),
  expiresAt: z.coerce.date({ error: 'Data de validade inválida' }).optional(),
});

export const updateTenantInput = z.strictObject({
  name: text({ min: 1, max: 200 }).optional(),
  timezone: timezone.optional(),
  modules: moduleList.optional(),
  settings: jsonRecord().optional(),
});

const deviceName = text({ min: 1, minMessage: 'Informe o nome do dispositivo', max: 100, maxMessage: 'Nome longo demais' });
export const createDeviceInput = z.strictObject({
  kind: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_.-]{0,49}$/, 'Tipo de dispositivo inválido'),
  name: deviceName,
  scopes: z.array(z.string().trim().min(1).max(100)).max(50),
  resource: text({ min: 1, minMessage: 'Informe o recurso', max: 200, maxMessage: 'Recurso longo demais' }).optional(),
});
export const deviceEventsInput = z
  .strictObject({
    lastEventId: z
      .string()
      .regex(/^\d{1,19}$/, 'lastEventId inválido')
      .nullish(),
  })
  .default({});
export const enrollDeviceInput = z.strictObject({
  code: z.string().trim().min(1, 'Informe o código').max(32, 'Código inválido'),
  name: deviceName.optional(),
  fingerprint: text({ min: 1, max: 200, maxMessage: 'Impressão digital longa demais' }).optional(),
});
