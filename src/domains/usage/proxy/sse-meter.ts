/** What a stream said about its cost: the upstream's usage when it sent one, and the text it streamed. */
export interface StreamReading {
  usage: { promptTokens: number; completionTokens: number } | null;
  text: string;
  chunks: number;
}

interface ChunkShape {
  choices?: Array<{ delta?: { content?: unknown; tool_calls?: Array<{ function?: { arguments?: unknown } }> } }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

const EVENT_END = /\r?\n\r?\n/;

/**
 * Reads an OpenAI server-sent-event stream as it passes through: passes each complete event on,
 * keeps the streamed text and the final usage, and drops the usage-only chunk the proxy asked for
 * when the client did not (some clients fail on a chunk with no choices).
 */
export class SseMeter {
  #pending = '';
  #text: string[] = [];
  #usage: StreamReading['usage'] = null;
  #chunks = 0;

  constructor(private readonly clientWantsUsage: boolean) {}

  /** Feeds upstream bytes; answers what to send the client now (complete events only). */
  push(bytes: string): string {
    this.#pending += bytes;
    let forward = '';
    for (;;) {
      const end = EVENT_END.exec(this.#pending);
      if (!end) return forward;
      const event = this.#pending.slice(0, end.index);
      this.#pending = this.#pending.slice(end.index + end[0].length);
      if (this.#read(event)) forward += `${event}\n\n`;
    }
  }

  /**
   * Whatever trailing bytes never ended with a blank line: passed on (and ended) only when they
   * are a whole event, a JSON chunk or [DONE]. One the upstream cut off halfway is dropped: the
   * client would get a chunk it cannot parse instead of the proxy's error event after it.
   */
  flush(): string {
    const rest = this.#pending.replace(/[\r\n]+$/, '');
    this.#pending = '';
    if (!isWholeData(dataOf(rest))) return '';
    return this.#read(rest) ? `${rest}\n\n` : '';
  }

  reading(): StreamReading {
    return { usage: this.#usage, text: this.#text.join(''), chunks: this.#chunks };
  }

  /** Takes in one event; false when it must not reach the client. */
  #read(event: string): boolean {
    const data = dataOf(event);
    if (data === '' || data === '[DONE]') return true;
    let chunk: ChunkShape;
    try {
      chunk = JSON.parse(data) as ChunkShape;
    } catch {
      return true;
    }
    this.#chunks += 1;
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (typeof delta?.content === 'string') this.#text.push(delta.content);
      for (const call of delta?.tool_calls ?? [])
        if (typeof call.function?.arguments === 'string') this.#text.push(call.function.arguments);
    }
    const usage = chunk.usage;
    if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
      this.#usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
      if (!this.clientWantsUsage && (chunk.choices?.length ?? 0) === 0) return false;
    }
    return true;
  }
}

/** An event's data field: its data lines joined with newlines. */
function dataOf(event: string): string {
  return event
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
}

function isWholeData(data: string): boolean {
  if (data === '[DONE]') return true;
  if (data === '') return false;
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}
