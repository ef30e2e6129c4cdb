import fc from 'fast-check';
import { StringDecoder } from 'node:string_decoder';
import { describe, expect, it } from 'vitest';
import { SseMeter } from './proxy/sse-meter';

const usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
const contentChunk = (content: string) =>
  JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
    usage: null,
  });
const usageOnlyChunk = JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage });
const pieces = ['Olá', ', ', 'açaí ', 'e ', 'pão 🍞 ', 'de ', '"queijo"\\n'];

/** An OpenAI stream: a role chunk, content chunks (multi-byte text), the finish chunk, the usage-only chunk, [DONE]. */
function openAiStream(newline = '\n', options: { withUsage?: boolean } = {}): string[] {
  const events = [
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}`,
    ...pieces.map((piece) => `data: ${contentChunk(piece)}`),
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}`,
    ...(options.withUsage === false ? [] : [`data: ${usageOnlyChunk}`]),
    'data: [DONE]',
  ];
  return events.map((event) => `${event}${newline}${newline}`);
}

/** Feeds the bytes to the meter cut at the given offsets, decoded as the proxy does; answers what reached the client. */
function relay(meter: SseMeter, bytes: Buffer, cuts: number[]): string {
  const decoder = new StringDecoder('utf8');
  const offsets = [0, ...[...new Set(cuts)].filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b), bytes.length];
  let out = '';
  for (let index = 1; index < offsets.length; index++) out += meter.push(decoder.write(bytes.subarray(offsets[index - 1], offsets[index])));
  out += meter.push(decoder.end());
  return out + meter.flush();
}

const events = (text: string) => text.split(/\r?\n\r?\n/).filter((event) => event !== '');
const streamedText = pieces.join('');

describe('SseMeter', () => {
  it('passes every event on and reads the text and usage, whichever byte the stream is cut at', () => {
    const stream = openAiStream().join('');
    const bytes = Buffer.from(stream, 'utf8');
    const expected = events(stream).filter((event) => !event.includes('"choices":[]'));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const meter = new SseMeter(false);
      const out = relay(meter, bytes, [cut]);
      expect(events(out), `cut at byte ${cut}`).toEqual(expected);
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
      const reading = meter.reading();
      expect(reading.text).toBe(streamedText);
      expect(reading.usage).toEqual({ promptTokens: 12, completionTokens: 7 });
    }
  });

  it('gives the same reading for any number of cuts, with LF or CRLF line endings', () => {
    fc.assert(
      fc.property(fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (newline, cuts, wantsUsage) => {
        const stream = openAiStream(newline).join('');
        const bytes = Buffer.from(stream, 'utf8');
        const meter = new SseMeter(wantsUsage);
        const out = relay(
          meter,
          bytes,
          cuts.map((cut) => cut % (bytes.length + 1)),
        );
        const expected = events(stream).filter((event) => wantsUsage || !event.includes('"choices":[]'));
        expect(events(out)).toEqual(expected);
        // Every event reaches the client whole, ended by a blank line.
        expect(out.endsWith('\n\n')).toBe(true);
        expect(meter.reading().text).toBe(streamedText);
        expect(meter.reading().usage).toEqual({ promptTokens: 12, completionTokens: 7 });
        expect(meter.reading().chunks).toBe(pieces.length + 3);
      }),
      { numRuns: 300 },
    );
  });

  it('holds an event back until its blank line arrives, also when CRLF CRLF is split between chunks', () => {
    const meter = new SseMeter(false);
    expect(meter.push(`data: ${contentChunk('um')}\r`)).toBe('');
    expect(meter.push('\n\r')).toBe('');
    expect(meter.push('\n')).toBe(`data: ${contentChunk('um')}\n\n`);
    expect(meter.push(`data: ${contentChunk('dois')}\n`)).toBe('');
    expect(meter.push('\ndata: [DONE]\n\n')).toBe(`data: ${contentChunk('dois')}\n\ndata: [DONE]\n\n`);
    expect(meter.reading().text).toBe('umdois');
  });

  it('drops the usage-only chunk the proxy asked for when the client did not ask, and keeps it when it did', () => {
    const notAsked = new SseMeter(false);
    expect(notAsked.push(`data: ${usageOnlyChunk}\n\n`)).toBe('');
    expect(notAsked.reading().usage).toEqual({ promptTokens: 12, completionTokens: 7 });

    const asked = new SseMeter(true);
    expect(asked.push(`data: ${usageOnlyChunk}\n\n`)).toBe(`data: ${usageOnlyChunk}\n\n`);
    expect(asked.reading().usage).toEqual({ promptTokens: 12, completionTokens: 7 });
  });

  it('passes on a content chunk that also carries the usage (some providers send it on the last one)', () => {
    const meter = new SseMeter(false);
    const last = JSON.stringify({ choices: [{ index: 0, delta: { content: 'fim' }, finish_reason: 'stop' }], usage });
    expect(meter.push(`data: ${last}\n\n`)).toBe(`data: ${last}\n\n`);
    expect(meter.reading()).toEqual({ usage: { promptTokens: 12, completionTokens: 7 }, text: 'fim', chunks: 1 });
  });

  it('passes [DONE], comments and non-JSON events on without reading them as chunks', () => {
    const meter = new SseMeter(false);
    const input = ': keep-alive\n\nevent: ping\ndata: not json\n\ndata: [DONE]\n\n';
    expect(meter.push(input)).toBe(input);
    expect(meter.reading()).toEqual({ usage: null, text: '', chunks: 0 });
  });

  it('reads tool-call arguments as streamed text, and a multi-line data field as one chunk', () => {
    const meter = new SseMeter(false);
    const toolChunk = JSON.stringify({
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'agenda', arguments: '{"dia":' } }] } }],
    });
    const more = JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"hoje"}' } }] } }] });
    meter.push(`data: ${toolChunk}\n\n`);
    // A data field split over two lines is joined with a newline: whitespace inside JSON.
    meter.push(`data: ${more.slice(0, 10)}\ndata: ${more.slice(10)}\n\n`);
    expect(meter.reading().text).toBe('{"dia":"hoje"}');
    expect(meter.reading().chunks).toBe(2);
  });

  it('reads several choices (n > 1) into the text', () => {
    const meter = new SseMeter(false);
    const chunk = JSON.stringify({
      choices: [
        { index: 0, delta: { content: 'a' } },
        { index: 1, delta: { content: 'b' } },
      ],
    });
    meter.push(`data: ${chunk}\n\n`);
    expect(meter.reading().text).toBe('ab');
  });

  it('passes on a last event that ended without its blank line', () => {
    const meter = new SseMeter(false);
    expect(meter.push(`data: ${contentChunk('fim')}\n\ndata: [DONE]`)).toBe(`data: ${contentChunk('fim')}\n\n`);
    expect(meter.flush()).toBe('data: [DONE]\n\n');
    expect(meter.flush()).toBe('');
    // Ended by one line break only (CRLF or LF): still one event, ended once.
    const crlf = new SseMeter(false);
    expect(crlf.push(`data: ${contentChunk('fim')}\r\n`)).toBe('');
    expect(crlf.flush()).toBe(`data: ${contentChunk('fim')}\n\n`);
    expect(crlf.reading().text).toBe('fim');
  });

  it('never passes on an event the upstream cut off halfway (the client could not parse it)', () => {
    const meter = new SseMeter(false);
    const whole = `data: ${contentChunk('inteiro')}\n\n`;
    const cut = `data: ${contentChunk('cortado')}`.slice(0, 40);
    expect(meter.push(whole + cut)).toBe(whole);
    expect(meter.flush()).toBe('');
    expect(meter.reading().text).toBe('inteiro');
  });

  it('answers nothing for a stream with no events', () => {
    const meter = new SseMeter(false);
    expect(meter.push('')).toBe('');
    expect(meter.flush()).toBe('');
    expect(meter.reading()).toEqual({ usage: null, text: '', chunks: 0 });
  });
});
