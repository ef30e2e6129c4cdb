import { trpc } from '../../../lib/trpc';

/** The first hundred users, for pickers ("Nome <e-mail>"). */
export function useUserOptions(): { value: string; label: string }[] {
  const users = trpc.usage.users.list.useQuery({ page: 1, limit: 100 });
  return (users.data?.items ?? [])
    .filter((user) => !user.isSystem)
    .map((user) => ({ value: user.id, label: `${user.name} <${user.email}>` }));
}
