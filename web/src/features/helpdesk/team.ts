import { useCan } from '../../app/providers';
import { trpc, type RouterOutputs } from '../../lib/trpc';

type User = RouterOutputs['users']['list'][number];

export interface Team {
  /** False for agents: listing users takes identity.users.read. */
  canList: boolean;
  /** Active users, who can be assigned tickets and be queue members. */
  members: User[];
  nameOf(userId: string | null | undefined): string | undefined;
}

/** The tenant's people, for transfers, filters, queue members and who did what. */
export function useTeam(): Team {
  const canList = useCan('identity.users.read');
  const users = trpc.users.list.useQuery(undefined, { enabled: canList });
  const all = users.data ?? [];
  return {
    canList,
    members: all.filter((user) => user.active),
    nameOf: (userId) => all.find((user) => user.id === userId)?.name,
  };
}
