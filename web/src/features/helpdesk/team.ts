import { trpc, type RouterOutputs } from '../../lib/trpc';

export type Agent = RouterOutputs['helpdesk']['agents']['list'][number];

export interface Team {
  /** Active users who can be assigned tickets and be queue members, by name. */
  members: Agent[];
  nameOf(userId: string | null | undefined): string | undefined;
}

/**
 * The tenant's agents, for transfers, filters, queue members and who did what. Comes from
 * `helpdesk.agents.list`, which every reader of tickets may call (the user directory needs
 * `identity.users.read`, which agents lack).
 */
export function useTeam(): Team {
  const agents = trpc.helpdesk.agents.list.useQuery();
  const members = agents.data ?? [];
  return { members, nameOf: (userId) => members.find((agent) => agent.id === userId)?.name };
}
