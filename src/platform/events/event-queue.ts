/**
 * A bounded push-to-pull buffer between the hub (push) and one subscription (pull). A consumer
 * that falls too far behind is failed instead of growing memory; it reconnects and replays.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #failWaiting: ((error: unknown) => void) | undefined;
  #failure: unknown;
  #closed = false;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.#closed || this.#failure) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.capacity) {
      this.fail(new EventQueueOverflowError(this.capacity));
      return;
    }
    this.#items.push(item);
  }

  fail(error: unknown): void {
    if (this.#closed || this.#failure) return;
    this.#failure = error;
    this.#failWaiting?.(error);
    this.#waiting = undefined;
  }

  close(): void {
    this.#closed = true;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#failure) return Promise.reject(this.#failure);
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failWaiting = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => (this.close(), { value: undefined, done: true }) };
  }
}

export class EventQueueOverflowError extends Error {
  constructor(capacity: number) {
    super(`Subscriber fell more than ${capacity} events behind`);
  }
}
