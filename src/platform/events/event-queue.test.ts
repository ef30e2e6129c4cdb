import { describe, expect, it } from 'vitest';
import { EventQueue, EventQueueOverflowError } from './event-queue';

describe('EventQueue', () => {
  it('hands a waiting reader everything pushed before it runs, in order, in one batch', async () => {
    const queue = new EventQueue<number>(10);
    const waiting = queue.nextBatch();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await waiting).toEqual([1, 2, 3]);
    queue.push(4);
    expect(await queue.nextBatch()).toEqual([4]);
  });

  it('gives what is still queued after close, then an empty batch', async () => {
    const queue = new EventQueue<number>(10);
    queue.push(1);
    queue.close();
    queue.push(2);
    expect(await queue.nextBatch()).toEqual([1]);
    expect(await queue.nextBatch()).toEqual([]);
  });

  it('ends a waiting reader with an empty batch when closed', async () => {
    const queue = new EventQueue<number>(10);
    const waiting = queue.nextBatch();
    queue.close();
    expect(await waiting).toEqual([]);
  });

  it('fails a reader that falls more than its capacity behind, instead of growing', async () => {
    const queue = new EventQueue<number>(3);
    for (let item = 0; item < 4; item += 1) queue.push(item);
    await expect(queue.nextBatch()).rejects.toBeInstanceOf(EventQueueOverflowError);
  });

  it('fails a reader already waiting', async () => {
    const queue = new EventQueue<number>(3);
    const waiting = queue.nextBatch();
    queue.fail(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
  });
});
