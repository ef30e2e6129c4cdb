/**
 * Group commit: calls that arrive while a batch with the same key is being written wait and go
 * together into the next one, so that N concurrent calls cost one transaction, a handful of
 * set-based statements and one commit (one WAL flush) instead of N of each. An idle key starts
 * its batch on the next turn of the event loop, so a lone call waits for nothing.
 *
 * Each call gets its own answer: a value, or its own error (a call refused on its own, such as a
 * wrong signature, does not fail the others). When a batch fails as a whole, its calls are written
 * again one by one, each in its own batch, so one call that breaks the transaction fails alone.
 */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

export interface GroupCommitOptions<Item, Result> {
  /** Writes the items in one transaction; answers in the items' order. */
  writeBatch: (key: string, items: readonly Item[]) => Promise<Array<Settled<Result>>>;
  /** The most items one batch takes (the rest wait for the next). */
  maxBatch: number;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private readonly lanes = new Map<string, Array<Waiting<Item, Result>>>();

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new RangeError('GroupCommit: maxBatch must be a positive integer');
  }

  /** Writes `item` with whatever else is waiting under `key`; resolves once its batch has committed. */
  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const waiting = this.lanes.get(key);
      if (waiting) {
        waiting.push({ item, resolve, reject });
        return;
      }
      const lane = [{ item, resolve, reject }];
      this.lanes.set(key, lane);
      setImmediate(() => void this.drain(key, lane));
    });
  }

  /** Calls waiting or being written, over all keys. */
  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.length;
    return count;
  }

  private async drain(key: string, lane: Array<Waiting<Item, Result>>): Promise<void> {
    while (lane.length > 0) {
      const batch = lane.splice(0, this.options.maxBatch);
      await this.write(key, batch);
    }
    this.lanes.delete(key);
  }

  private async write(key: string, batch: Array<Waiting<Item, Result>>): Promise<void> {
    try {
      const results = await this.options.writeBatch(
        key,
        batch.map((waiting) => waiting.item),
      );
      if (results.length !== batch.length)
        throw new Error(`GroupCommit: writeBatch answered ${results.length} results for ${batch.length} items`);
      batch.forEach((waiting, index) => {
        const result = results[index]!;
        if (result.ok) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const waiting of batch) await this.write(key, [waiting]);
    }
  }
}

/** The value, or the error thrown. */
export function unwrap<Result>(settled: Settled<Result>): Result {
  if (settled.ok) return settled.value;
  throw settled.error;
}

/** Runs a check that may refuse one call, as a settled result. */
export function settle<Result>(check: () => Result): Settled<Result> {
  try {
    return { ok: true, value: check() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Writes the calls that passed their checks with `write` (answers in their order) and puts every
 * call's answer back in place: a refused call keeps its error.
 */
export async function writeAccepted<Accepted, Result>(
  checked: ReadonlyArray<Settled<Accepted>>,
  write: (accepted: Accepted[]) => Promise<Result[]>,
): Promise<Array<Settled<Result>>> {
  const accepted = checked.flatMap((entry) => (entry.ok ? [entry.value] : []));
  const written = accepted.length === 0 ? [] : await write(accepted);
  let next = 0;
  return checked.map((entry) => (entry.ok ? { ok: true as const, value: written[next++]! } : entry));
}
