import { describe, expect, it } from 'vitest';
import { GroupCommit, settle, writeAccepted, type Settled } from './group-commit';

/** A writer that records each batch it was given and answers item × 10, refusing negatives on their own. */
function recordingWriter(options: { failWhole?: (items: readonly number[]) => boolean } = {}) {
  const batches: number[][] = [];
  const writeBatch = async (_key: string, items: readonly number[]): Promise<Array<Settled<number>>> => {
    batches.push([...items]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (options.failWhole?.(items)) throw new Error(`batch ${items.join(',')} broke`);
    return writeAccepted(
      items.map((item) =>
        settle(() => {
          if (item < 0) throw new RangeError(`refused ${item}`);
          return item;
        }),
      ),
      async (accepted) => accepted.map((item) => item * 10),
    );
  };
  return { batches, writeBatch };
}

describe('GroupCommit', () => {
  it('writes a lone call at once, and calls arriving during a write together in the next batch, per key', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit({ maxBatch: 100, writeBatch: writer.writeBatch });
    const first = group.submit('a', 1);
    await new Promise((resolve) => setImmediate(resolve));
    const during = [2, 3, 4].map((item) => group.submit('a', item));
    const otherKey = group.submit('b', 5);
    expect(await Promise.all([first, ...during, otherKey])).toEqual([10, 20, 30, 40, 50]);
    expect(writer.batches).toEqual([[1], [5], [2, 3, 4]]);
    expect(group.pending).toBe(0);
  });

  it('takes at most maxBatch calls a batch', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit({ maxBatch: 2, writeBatch: writer.writeBatch });
    expect(await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit('k', item)))).toEqual([10, 20, 30, 40, 50]);
    expect(writer.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a call refused on its own fails alone; the others in its batch succeed', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit({ maxBatch: 10, writeBatch: writer.writeBatch });
    const results = await Promise.allSettled([1, -2, 3].map((item) => group.submit('k', item)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new RangeError('refused -2') },
      { status: 'fulfilled', value: 30 },
    ]);
    expect(writer.batches).toEqual([[1, -2, 3]]);
  });

  it('when a batch fails as a whole, writes its calls again one by one, so only the breaking one fails', async () => {
    const writer = recordingWriter({ failWhole: (items) => items.includes(13) });
    const group = new GroupCommit({ maxBatch: 10, writeBatch: writer.writeBatch });
    const results = await Promise.allSettled([12, 13, 14].map((item) => group.submit('k', item)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('batch 13 broke'));
    expect(writer.batches).toEqual([[12, 13, 14], [12], [13], [14]]);
    // The key is free again: the next call is written normally.
    expect(await group.submit('k', 15)).toBe(150);
  });

  it('refuses a writer that answers a different number of results', async () => {
    const group = new GroupCommit<number, number>({ maxBatch: 10, writeBatch: async () => [] });
    await expect(group.submit('k', 1)).rejects.toThrow('answered 0 results for 1 items');
  });
});
