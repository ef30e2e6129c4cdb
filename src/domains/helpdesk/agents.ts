import type { TenantTransaction } from '../../db/tenant-scope';

export interface AgentView {
  id: string;
  name: string;
  queueIds: string[];
}

/**
 * The tenant's active users as the inbox needs them (to transfer, filter and name senders),
 * without the rest of the user directory: agents may see this without `identity.users.read`.
 */
export async function listAgents(trx: TenantTransaction): Promise<AgentView[]> {
  const users = await trx
    .selectFrom('users')
    .select(['id', 'name'])
    .where('active', '=', true)
    .where('password_hash', 'is not', null)
    .orderBy('name')
    .execute();
  const memberships = await trx.selectFrom('helpdesk_queue_members').select(['user_id', 'queue_id']).execute();
  return users.map((user) => ({
    id: user.id,
    name: user.name,
    queueIds: memberships.filter((member) => member.user_id === user.id).map((member) => member.queue_id),
  }));
}
