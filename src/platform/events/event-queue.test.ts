import { describe, expect, it } from 'vitest';
import { EventQueue, EventQueueOverflowError } from './event-queue';

describe('EventQueue', () => {
  it('hands items over in order, to a waiting reader or from its buffer', async () => {
    const queue = new EventQueue<number>(10);
    const waiting = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    queue.close();
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('fails a reader that falls more than its capacity behind, instead of growing', async () => {
    const queue = new EventQueue<number>(3);
    for (let item = 0; item < 4; item += 1) queue.push(item);
    await expect(queue.next()).rejects.toBeInstanceOf(EventQueueOverflowError);
  });
});
