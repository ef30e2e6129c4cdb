/**
 * A bounded push-to-pull buffer between the hub (push) and one subscription (pull). The reader
 * takes everything queued at once: the hub hands out a poll's events in one synchronous loop, so a
 * reader woken by the first finds the rest beside it and handles them in one pass. A reader that
 * falls too far behind is failed instead of growing memory; it reconnects and replays.
 */
export class EventQueue<T> {
  #items: T[] = [];
  #wake: (() => void) | undefined;
  #failure: unknown;
  #failed = false;
  #closed = false;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.#closed || this.#failed) return;
    if (this.#items.length >= this.capacity) {
      this.fail(new EventQueueOverflowError(this.capacity));
      return;
    }
    this.#items.push(item);
    this.#wakeReader();
  }

  fail(error: unknown): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.#failure = error;
    this.#wakeReader();
  }

  /** Ends the queue: the reader gets what is still queued, then an empty batch. */
  close(): void {
    this.#closed = true;
    this.#wakeReader();
  }

  /**
   * Every item queued so far, in order, waiting for one if there is none; an empty batch once the
   * queue is closed and drained. Rejects once the queue has failed.
   */
  async nextBatch(): Promise<T[]> {
    for (;;) {
      if (this.#failed) throw this.#failure;
      if (this.#items.length > 0) {
        const batch = this.#items;
        this.#items = [];
        return batch;
      }
      if (this.#closed) return [];
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

export class EventQueueOverflowError extends Error {
  constructor(capacity: number) {
    super(`Subscriber fell more than ${capacity} events behind`);
  }
}
