import {
  LlmError,
  type LlmFailureKind,
  type LlmProviderName,
  type LlmUsage,
  type StructuredAnswer,
  type StructuredRequest,
} from './provider';

/** What a provider found in its answer envelope. */
export type EnvelopeReading =
  | { outcome: 'text'; text: string; usage: LlmUsage }
  | { outcome: 'refused'; reason: string; usage: LlmUsage }
  | { outcome: 'malformed'; reason: string; usage?: LlmUsage };

export interface StructuredCall<T> {
  provider: LlmProviderName;
  model: string;
  timeoutMs: number;
  /** Defaults to the global fetch, looked up per call so test interceptors installed later apply. */
  fetch?: typeof fetch;
  request: StructuredRequest<T>;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Kept out of every error message, even if the upstream echoes it back. */
  secret?: string;
  readEnvelope: (envelope: unknown) => EnvelopeReading;
}

/** Room for the upstream's own error message, not for a whole page. */
const EXCERPT_CHARS = 300;
/** Enough zod issues to see what went wrong without copying the output. */
const MAX_ISSUES = 5;

/** One POST to a provider, turned into a validated answer or an LlmError; the shared half of every provider. */
export async function callForStructuredAnswer<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
  const startedAt = performance.now();
  const elapsedMs = () => Math.round(performance.now() - startedAt);
  const failure = (kind: LlmFailureKind, message: string, extra: { status?: number; usage?: LlmUsage; cause?: unknown } = {}) =>
    new LlmError(`${call.provider} (${call.model}): ${redact(message, call.secret)}`, {
      kind,
      provider: call.provider,
      model: call.model,
      latencyMs: elapsedMs(),
      ...extra,
    });

  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.request.signal ? AbortSignal.any([call.request.signal, timeout]) : timeout;
  let response: Response;
  let responseText: string;
  try {
    response = await (call.fetch ?? globalThis.fetch)(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...call.headers },
      body: JSON.stringify(call.body),
      signal,
    });
    responseText = await response.text();
  } catch (error) {
    if (timeout.aborted) throw failure('timeout', `no answer within ${call.timeoutMs} ms`, { cause: error });
    if (signal.aborted) throw failure('timeout', 'aborted by the caller', { cause: error });
    throw failure('network', `request failed: ${describeNetworkError(error)}`, { cause: error });
  }

  if (!response.ok) throw failure('http', `HTTP ${response.status}: ${errorExcerpt(responseText)}`, { status: response.status });

  let envelope: unknown;
  try {
    envelope = JSON.parse(responseText);
  } catch {
    throw failure('invalid_output', `answer envelope is not JSON: ${errorExcerpt(responseText)}`);
  }
  const reading = call.readEnvelope(envelope);
  if (reading.outcome === 'refused') throw failure('refused', `refused: ${reading.reason}`, { usage: reading.usage });
  if (reading.outcome === 'malformed') throw failure('invalid_output', reading.reason, { usage: reading.usage });

  let output: unknown;
  try {
    output = JSON.parse(reading.text);
  } catch {
    // The parser's message quotes the output, which may hold customer data: only its length is told.
    throw failure('invalid_output', `output is not valid JSON (${reading.text.length} characters)`, { usage: reading.usage });
  }
  const checked = call.request.schema.safeParse(output);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    const summary = issues.slice(0, MAX_ISSUES).join('; ') + (issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '');
    throw failure('invalid_output', `output does not match schema '${call.request.schemaName}': ${summary}`, { usage: reading.usage });
  }
  return { value: checked.data, provider: call.provider, model: call.model, usage: reading.usage, latencyMs: elapsedMs() };
}

/** The upstream's `error.message` when it sends the usual `{ error: { message } }`, else the start of the body. */
function errorExcerpt(body: string): string {
  let text = body;
  try {
    const parsed: unknown = JSON.parse(body);
    const message = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? errorMessageOf(parsed.error) : undefined;
    if (message) text = message;
  } catch {
    // Not JSON: the raw body is the excerpt.
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > EXCERPT_CHARS ? `${oneLine.slice(0, EXCERPT_CHARS)}…` : oneLine;
}

function errorMessageOf(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return undefined;
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…). */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error
      ? `: ${'code' in error.cause && typeof error.cause.code === 'string' ? error.cause.code : error.cause.message}`
      : '';
  return `${error.message}${cause}`;
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
