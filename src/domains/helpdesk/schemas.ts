import { z } from 'zod';
import { text } from '../../platform/validation';
import { businessHoursSchema } from '../../platform/business-hours';

export const id = z.uuid({ error: 'Identificador inválido' });
const cursor = z.string().max(300).optional();
const channelName = text({ min: 1, minMessage: 'Informe o nome do canal', max: 120 });
const httpUrl = z.url({ protocol: /^https?$/, error: 'URL http(s) inválida' }).max(2048);

export const createChannelInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('n8n'), name: channelName, outboundUrl: httpUrl }),
  z.strictObject({
    type: z.literal('whatsapp_cloud'),
    name: channelName,
    phoneNumberId: z
      .string()
      .trim()
      .regex(/^\d{5,30}$/, 'phoneNumberId: o id numérico do número na Meta'),
    accessToken: z.string().trim().min(20).max(1000),
    appSecret: z.string().trim().min(16).max(200),
  }),
]);

export const updateChannelInput = z.strictObject({ id, name: channelName.optional(), outboundUrl: httpUrl.optional() });

export const ticketStatus = z.enum(['pending', 'open', 'closed']);

export const listTicketsInput = z
  .strictObject({
    status: ticketStatus.optional(),
    queueId: id.optional(),
    assigneeId: id.optional(),
    tag: text({ min: 1, max: 50 }).optional(),
    search: text({ max: 100 }).optional(),
    cursor,
    limit: z.number().int().min(1).max(100).optional(),
  })
  .default({});

export const countTicketsInput = z
  .strictObject({
    queueId: id.optional(),
    assigneeId: id.optional(),
    tag: text({ min: 1, max: 50 }).optional(),
    search: text({ max: 100 }).optional(),
  })
  .default({});

export const transferTicketInput = z.strictObject({ id, queueId: id.optional(), userId: id.optional() });
export const closeTicketInput = z.strictObject({ id, reason: text({ max: 500 }).optional() });

export const listMessagesInput = z.strictObject({ ticketId: id, cursor });
export const sendMessageInput = z.strictObject({
  ticketId: id,
  body: z
    .string()
    .max(4096, 'Mensagem longa demais (máx. 4096)')
    .refine((value) => !value.includes('\u0000'), 'Caractere nulo não é permitido'),
  mediaUrl: httpUrl.optional(),
  isNote: z.boolean().optional(),
  quotedMessageId: id.optional(),
});

const tag = text({ min: 1, max: 50 });
export const listContactsInput = z.strictObject({ search: text({ max: 100 }).optional(), cursor }).default({});
export const updateContactInput = z.strictObject({
  id,
  name: text({ min: 1, max: 200 }).optional(),
  phone: text({ min: 1, max: 40 }).optional(),
  email: z.email({ error: 'E-mail inválido' }).max(254).nullable().optional(),
  tags: z.array(tag).max(30).optional(),
  notes: text({ max: 10_000 }).optional(),
  customFields: z.record(text({ min: 1, max: 60 }), text({ max: 1000 })).optional(),
});

export const updateSettingsInput = z.strictObject({
  reopenWindowMinutes: z.number().int().min(0).max(525_600).optional(),
  businessHours: businessHoursSchema.nullable().optional(),
  outOfHoursMessage: text({ min: 1, max: 1000 }).nullable().optional(),
  queueMenu: z.boolean().optional(),
  mediaRetentionDays: z
    .number()
    .int('Informe um número inteiro de dias')
    .min(1, 'Guarde os arquivos por pelo menos 1 dia')
    .max(3650, 'Guarde os arquivos por no máximo 3650 dias (10 anos)')
    .nullable()
    .optional(),
});

const queueFields = {
  name: text({ min: 1, minMessage: 'Informe o nome da fila', max: 80 }),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Cor no formato #RRGGBB')
    .optional(),
  greeting: text({ max: 1000 }).optional(),
  position: z.number().int().min(0).max(1000).optional(),
  businessHours: businessHoursSchema.nullable().optional(),
  memberIds: z.array(id).max(500).optional(),
};
export const createQueueInput = z.strictObject(queueFields);
export const updateQueueInput = z.strictObject({ id, ...queueFields, name: queueFields.name.optional() });

export const createApiConfigInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe um nome', max: 120 }),
  channelId: id,
  callbackUrl: httpUrl.optional(),
});
export const updateApiConfigInput = z.strictObject({
  apiId: id,
  name: text({ min: 1, max: 120 }).optional(),
  callbackUrl: httpUrl.nullable().optional(),
});
export const byApiId = z.strictObject({ apiId: id });

export const setTicketTagsInput = z.strictObject({ id, tags: z.array(tag).max(20) });
export const mergeContactsInput = z.strictObject({ sourceId: id, targetId: id });

const shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Atalho: letras minúsculas, números, _ e - (até 40)');
const quickReplyText = text({ min: 1, minMessage: 'Escreva o texto', max: 4096 });
export const createQuickReplyInput = z.strictObject({ shortcut, text: quickReplyText });
export const updateQuickReplyInput = z.strictObject({ id, shortcut: shortcut.optional(), text: quickReplyText.optional() });
export const renderQuickReplyInput = z.strictObject({ id, ticketId: id });
