import type { Kysely } from 'kysely';
import type { DB } from './schema';
import { afterCommit, databaseOf, type TenantTransaction } from './tenant-scope';

type Listener = () => void;

/**
 * "Something was committed" for in-process listeners (the event hub, the delivery worker), so
 * they act right after a commit instead of at their next poll. Keyed by database, so that two
 * app instances in one process learn of each other's commits only through the bus, as separate
 * processes would.
 */
export function createCommitSignal() {
  const listeners = new WeakMap<Kysely<DB>, Set<Listener>>();
  // One stable function per database, so afterCommit runs it once however often a transaction signals.
  const signals = new WeakMap<Kysely<DB>, () => void>();
  const ignore = () => undefined;
  return {
    listen(db: Kysely<DB>, listener: Listener): () => void {
      let set = listeners.get(db);
      if (!set) {
        const created = new Set<Listener>();
        set = created;
        listeners.set(db, created);
        signals.set(db, () => created.forEach((notify) => notify()));
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    /** Fires the listeners of the transaction's database once it commits (never on rollback). */
    signalAfterCommit(trx: TenantTransaction): void {
      afterCommit(trx, signals.get(databaseOf(trx)) ?? ignore);
    },
  };
}
