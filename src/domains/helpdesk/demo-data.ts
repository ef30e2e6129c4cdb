import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import { systemAudit } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { createChannel, findChannel } from './channels/channels';
import { ingestInboundMessage } from './inbound';
import { queueOutboundMessage } from './outbound';
import { createQueue } from './queues';
import { createQuickReply } from './quick-replies';

const conversations = [
  { from: '5511987650001', name: 'Mariana Costa', messages: ['Oi! Vocês abrem no sábado?', 'Queria agendar um corte'] },
  { from: '5511987650002', name: 'João Pereira', messages: ['Boa tarde, meu pedido ainda não chegou'] },
  { from: '5521987650003', name: 'Fernanda Lima', messages: ['Qual o valor da escova?'] },
  { from: '5511987650004', name: 'Carlos Souza', messages: ['Posso pagar com Pix?', 'E parcelar no cartão?'] },
  { from: '5531987650005', name: 'Beatriz Rocha', messages: ['Obrigada pelo atendimento!'] },
];

/**
 * A helpdesk to look at: two queues, an n8n channel (its outbound URL points at a local n8n;
 * change it in Canais), quick replies and a few conversations waiting in the inbox.
 */
export async function seedHelpdeskDemoData(
  db: Kysely<DB>,
  tenant: { id: string },
  secrets: SecretBox,
  publicUrl: string,
): Promise<{ tickets: number }> {
  const audit = systemAudit('demo data');
  await withTenant(db, tenant.id, async (trx) => {
    if (await trx.selectFrom('helpdesk_channels').select('id').executeTakeFirst()) return;
    const agents = await trx.selectFrom('users').select('id').where('email', 'like', 'atendente@%').execute();
    await createQueue(trx, audit, {
      name: 'Vendas',
      color: '#16a34a',
      greeting: 'Olá! Você está na fila de Vendas.',
      memberIds: agents.map((agent) => agent.id),
    });
    await createQueue(trx, audit, { name: 'Suporte', color: '#2563eb', greeting: 'Olá! Você está na fila de Suporte.', position: 1 });
    await createQuickReply(trx, audit, {
      shortcut: 'ola',
      text: 'Olá {{contact.firstName}}! Aqui é {{agent.firstName}}, como posso ajudar?',
    });
    await createQuickReply(trx, audit, { shortcut: 'pix', text: 'Aceitamos Pix, cartão de crédito e débito.' });
    const channel = await createChannel(trx, audit, secrets, publicUrl, {
      type: 'n8n',
      name: 'WhatsApp (demonstração)',
      outboundUrl: 'http://localhost:5678/webhook/balcao',
    });
    let sequence = 0;
    for (const conversation of conversations) {
      for (const body of conversation.messages) {
        sequence += 1;
        await ingestInboundMessage(
          trx,
          await findChannel(trx, channel.id),
          {
            externalId: `demo-${sequence}`,
            from: conversation.from,
            contactName: conversation.name,
            kind: 'text',
            body,
            sentAt: new Date(),
          },
          queueOutboundMessage,
        );
      }
    }
  });
  return { tickets: conversations.length };
}
