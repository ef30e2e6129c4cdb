import { createRequire } from 'node:module';
import type * as EncodingModule from 'gpt-tokenizer/encoding/o200k_base';

type Encoding = typeof EncodingModule;

/**
 * Each encoding is a table of 100k–200k tokens that takes most of a second and tens of MiB to
 * build: it loads when the proxy first counts with it, not at every start of the process.
 */
const requirePackage = createRequire(import.meta.url);
let cl100k: Encoding['countTokens'] | undefined;
let o200k: Encoding['countTokens'] | undefined;
const countCl100k = (text: string) => (cl100k ??= (requirePackage('gpt-tokenizer/encoding/cl100k_base') as Encoding).countTokens)(text);
const countO200k = (text: string) => (o200k ??= (requirePackage('gpt-tokenizer/encoding/o200k_base') as Encoding).countTokens)(text);

/** Tokens per chat message and for priming the reply, as OpenAI's own counting recipe adds them. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
/** An image part at low detail; high-detail tiles cost more, which the upstream's usage then settles. */
const TOKENS_PER_IMAGE = 85;

/** Older OpenAI models and the embeddings use cl100k; everything newer (and any non-OpenAI model) is counted with o200k. */
function counterFor(model: string): (text: string) => number {
  return /^(gpt-3\.5|gpt-4(?!o|\.|-o)|text-embedding|text-davinci)/.test(model) ? countCl100k : countO200k;
}

/** Shorter texts are counted again (as fast as looking them up); longer ones are not kept. */
const CACHED_TEXT_CHARS = { min: 64, max: 64 * 1024 };
/** What the caches keep at most, in characters of text, each. */
const CACHE_CHARS = 4 * 1024 * 1024;

/**
 * Counts of the texts seen lately, least recently used first out: a chat client sends its system
 * prompt with every request, and the whole conversation so far with every turn.
 */
class CountCache {
  readonly #counts = new Map<string, number>();
  #chars = 0;

  constructor(private readonly count: (text: string) => number) {}

  readonly counted = (text: string): number => {
    if (text.length < CACHED_TEXT_CHARS.min || text.length > CACHED_TEXT_CHARS.max) return this.count(text);
    const known = this.#counts.get(text);
    if (known !== undefined) {
      this.#counts.delete(text);
      this.#counts.set(text, known);
      return known;
    }
    const counted = this.count(text);
    this.#counts.set(text, counted);
    this.#chars += text.length;
    for (const oldest of this.#counts.keys()) {
      if (this.#chars <= CACHE_CHARS) break;
      this.#counts.delete(oldest);
      this.#chars -= oldest.length;
    }
    return counted;
  };
}

const cachedCl100k = new CountCache(countCl100k).counted;
const cachedO200k = new CountCache(countO200k).counted;

/** counterFor, remembering the counts of the prompts' texts (answers are new each time: counterFor). */
function promptCounterFor(model: string): (text: string) => number {
  return counterFor(model) === countCl100k ? cachedCl100k : cachedO200k;
}

export function countTextTokens(model: string, text: string): number {
  return text === '' ? 0 : counterFor(model)(text);
}

export interface ChatMessageLike {
  role?: unknown;
  name?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

function contentTokens(count: (text: string) => number, content: unknown): number {
  if (typeof content === 'string') return content === '' ? 0 : count(content);
  if (!Array.isArray(content)) return content == null ? 0 : count(JSON.stringify(content));
  let total = 0;
  for (const part of content as Array<Record<string, unknown>>) {
    if (part?.type === 'text' && typeof part.text === 'string') total += count(part.text);
    else if (part?.type === 'image_url') total += TOKENS_PER_IMAGE;
    else total += count(JSON.stringify(part));
  }
  return total;
}

/** The prompt of a chat completion: every message's content, names, tool calls, and the tool definitions. */
export function countChatPromptTokens(model: string, messages: readonly ChatMessageLike[], tools?: unknown): number {
  const count = promptCounterFor(model);
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + contentTokens(count, message.content);
    if (typeof message.name === 'string') total += TOKENS_PER_NAME + count(message.name);
    if (message.tool_calls !== undefined) total += count(JSON.stringify(message.tool_calls));
  }
  if (tools !== undefined) total += count(JSON.stringify(tools));
  return total;
}

/** An embeddings input: a string, strings, or already-tokenised arrays. */
export function countEmbeddingInputTokens(model: string, input: unknown): number {
  const count = counterFor(model);
  if (typeof input === 'string') return count(input);
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += count(item);
    else if (typeof item === 'number') total += 1;
    else if (Array.isArray(item)) total += item.length;
  }
  return total;
}

/** How close the estimate came, in percent: 100 when exact. */
export function estimationAccuracy(estimated: number, actual: number): number {
  if (actual === 0 && estimated === 0) return 100;
  const larger = Math.max(estimated, actual);
  return Math.round((Math.min(estimated, actual) / larger) * 10_000) / 100;
}
