import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countChatPromptTokens, countEmbeddingInputTokens, countTextTokens, estimationAccuracy } from './tokens';

/** OpenAI's recipe: 3 per message, 1 per name, 3 priming the reply. */
const PER_MESSAGE = 3;
const PRIMING = 3;
const PER_IMAGE = 85;

describe('countTextTokens', () => {
  it('counts with o200k for current models and anything unknown, with cl100k for the older OpenAI ones', () => {
    const text = 'Olá, tudo bem? Quero remarcar para amanhã às 10h.';
    expect(o200k(text)).not.toBe(cl100k(text));
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini', 'claude-3-5-sonnet', 'gemini-2.0-flash', 'llama3'])
      expect(countTextTokens(model, text), model).toBe(o200k(text));
    for (const model of ['gpt-4', 'gpt-4-turbo', 'gpt-4-0613', 'gpt-3.5-turbo', 'text-embedding-3-small', 'text-embedding-ada-002'])
      expect(countTextTokens(model, text), model).toBe(cl100k(text));
  });

  it('counts known strings exactly, and nothing for the empty string', () => {
    expect(countTextTokens('gpt-4o', 'hello world')).toBe(2);
    expect(countTextTokens('gpt-4o', 'Olá, tudo bem?')).toBe(5);
    expect(countTextTokens('gpt-3.5-turbo', 'Olá, tudo bem?')).toBe(6);
    expect(countTextTokens('gpt-4o', '')).toBe(0);
  });
});

describe('countChatPromptTokens', () => {
  it('counts a long prompt the same every time, for each encoding, once it is remembered', () => {
    const system = 'Você é a recepcionista da clínica. Responda em português, com frases curtas e sem emojis. '.repeat(4);
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'Olá, tudo bem?' },
    ];
    const expected = (count: (text: string) => number) => PRIMING + 2 * PER_MESSAGE + count(system) + count('Olá, tudo bem?');
    expect(o200k(system)).not.toBe(cl100k(system));
    for (let i = 0; i < 3; i += 1) {
      expect(countChatPromptTokens('gpt-4o', messages)).toBe(expected(o200k));
      expect(countChatPromptTokens('gpt-4', messages)).toBe(expected(cl100k));
    }
  });

  it('adds the per-message and reply-priming overhead to each message content', () => {
    const messages = [
      { role: 'system', content: 'Você é a recepcionista.' },
      { role: 'user', content: 'Olá, tudo bem?' },
    ];
    expect(countChatPromptTokens('gpt-4o', messages)).toBe(
      PRIMING + 2 * PER_MESSAGE + o200k('Você é a recepcionista.') + o200k('Olá, tudo bem?'),
    );
    expect(countChatPromptTokens('gpt-4o', [])).toBe(PRIMING);
    expect(countChatPromptTokens('gpt-4o', [{ role: 'user', content: '' }])).toBe(PRIMING + PER_MESSAGE);
    expect(countChatPromptTokens('gpt-4o', [{ role: 'assistant', content: null }])).toBe(PRIMING + PER_MESSAGE);
  });

  it('counts with the model’s own encoding', () => {
    const messages = [{ role: 'user', content: 'Olá, tudo bem?' }];
    expect(countChatPromptTokens('gpt-3.5-turbo', messages)).toBe(PRIMING + PER_MESSAGE + cl100k('Olá, tudo bem?'));
  });

  it('counts a name, tool calls and the tool definitions', () => {
    const toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'agenda', arguments: '{"dia":"hoje"}' } }];
    const tools = [
      { type: 'function', function: { name: 'agenda', parameters: { type: 'object', properties: { dia: { type: 'string' } } } } },
    ];
    const messages = [
      { role: 'user', name: 'maria', content: 'Tem horário?' },
      { role: 'assistant', content: null, tool_calls: toolCalls },
    ];
    expect(countChatPromptTokens('gpt-4o', messages, tools)).toBe(
      PRIMING +
        2 * PER_MESSAGE +
        o200k('Tem horário?') +
        1 +
        o200k('maria') +
        o200k(JSON.stringify(toolCalls)) +
        o200k(JSON.stringify(tools)),
    );
  });

  it('counts text parts and a fixed cost per image, whatever the size of its data URL', () => {
    const small = `data:image/png;base64,${'A'.repeat(100)}`;
    const large = `data:image/png;base64,${'A'.repeat(2_000_000)}`;
    const withImage = (url: string) => [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'O que tem nesta foto?' },
          { type: 'image_url', image_url: { url, detail: 'low' } },
          { type: 'image_url', image_url: { url } },
        ],
      },
    ];
    const expected = PRIMING + PER_MESSAGE + o200k('O que tem nesta foto?') + 2 * PER_IMAGE;
    expect(countChatPromptTokens('gpt-4o', withImage(small))).toBe(expected);
    expect(countChatPromptTokens('gpt-4o', withImage(large))).toBe(expected);
  });

  it('counts any other content part as its JSON', () => {
    const part = { type: 'input_text_unknown', value: 'algo' };
    expect(countChatPromptTokens('gpt-4o', [{ role: 'user', content: [part] }])).toBe(PRIMING + PER_MESSAGE + o200k(JSON.stringify(part)));
  });
});

describe('countEmbeddingInputTokens', () => {
  const model = 'text-embedding-3-small';

  it('counts a string, a list of strings, a token array and a list of token arrays', () => {
    expect(countEmbeddingInputTokens(model, 'Olá, tudo bem?')).toBe(cl100k('Olá, tudo bem?'));
    expect(countEmbeddingInputTokens(model, ['um texto', 'outro texto'])).toBe(cl100k('um texto') + cl100k('outro texto'));
    expect(countEmbeddingInputTokens(model, [101, 2023, 318, 102])).toBe(4);
    expect(
      countEmbeddingInputTokens(model, [
        [1, 2, 3],
        [4, 5],
      ]),
    ).toBe(5);
  });

  it('counts nothing for empty or unknown input', () => {
    expect(countEmbeddingInputTokens(model, '')).toBe(0);
    expect(countEmbeddingInputTokens(model, [])).toBe(0);
    expect(countEmbeddingInputTokens(model, { text: 'x' })).toBe(0);
    expect(countEmbeddingInputTokens(model, null)).toBe(0);
  });

  it('uses o200k for a non-OpenAI embedding model', () => {
    expect(countEmbeddingInputTokens('nomic-embed-text', 'Olá, tudo bem?')).toBe(o200k('Olá, tudo bem?'));
  });
});

describe('estimationAccuracy', () => {
  it('is 100 when exact (zero included), and the smaller over the larger otherwise, in percent with two decimals', () => {
    expect(estimationAccuracy(100, 100)).toBe(100);
    expect(estimationAccuracy(0, 0)).toBe(100);
    expect(estimationAccuracy(50, 100)).toBe(50);
    expect(estimationAccuracy(100, 50)).toBe(50);
    expect(estimationAccuracy(1, 3)).toBe(33.33);
    expect(estimationAccuracy(2, 3)).toBe(66.67);
    expect(estimationAccuracy(0, 10)).toBe(0);
    expect(estimationAccuracy(10, 0)).toBe(0);
  });

  it('stays within 0..100, symmetric in its arguments', () => {
    for (const [a, b] of [
      [7, 13],
      [1_000_000, 999_999],
      [3, 1],
    ] as const) {
      const accuracy = estimationAccuracy(a, b);
      expect(accuracy).toBe(estimationAccuracy(b, a));
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(100);
    }
  });
});
