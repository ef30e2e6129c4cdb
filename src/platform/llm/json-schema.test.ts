import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { structuredOutputSchema } from './json-schema';
import { understandingSchema } from './llm.fixtures';

describe('structuredOutputSchema', () => {
  it('gives the strict-mode shape for z.object: all properties required, no additional ones, nested too', () => {
    expect(structuredOutputSchema(understandingSchema, 'chat_understanding')).toEqual({
      type: 'object',
      properties: {
        intent: { type: 'string', enum: ['book', 'reschedule', 'cancel', 'other'] },
        service: { type: ['string', 'null'] },
        preferredTimes: {
          type: 'array',
          items: {
            type: 'object',
            properties: { day: { type: 'string' }, period: { type: 'string', enum: ['morning', 'afternoon', 'evening'] } },
            required: ['day', 'period'],
            additionalProperties: false,
          },
        },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      required: ['intent', 'service', 'preferredTimes', 'confidence'],
      additionalProperties: false,
    });
  });

  it('drops the $schema dialect marker', () => {
    expect(structuredOutputSchema(z.object({ ok: z.boolean() }), 'flag')).not.toHaveProperty('$schema');
  });

  it('converts each schema once', () => {
    expect(structuredOutputSchema(understandingSchema, 'a')).toBe(structuredOutputSchema(understandingSchema, 'b'));
  });

  it('accepts unions of closed objects', () => {
    const action = z.discriminatedUnion('type', [
      z.object({ type: z.literal('reply'), text: z.string() }),
      z.object({ type: z.literal('handoff') }),
    ]);
    expect(() => structuredOutputSchema(z.object({ action }), 'next_action')).not.toThrow();
  });

  it.each([
    ['an optional property', z.object({ name: z.string(), note: z.string().optional() }), '# has optional properties (note)'],
    ['a record', z.object({ scores: z.record(z.string(), z.number()) }), '#/properties/scores allows additional properties'],
    [
      'a loose object',
      z.object({ items: z.array(z.looseObject({ id: z.string() })) }),
      '#/properties/items/items allows additional properties',
    ],
  ])('rejects %s, which strict mode cannot express', (_label, schema, problem) => {
    expect(() => structuredOutputSchema(schema, 'bad_shape')).toThrow(TypeError);
    expect(() => structuredOutputSchema(schema, 'bad_shape')).toThrow(problem);
  });

  it('rejects a schema name OpenAI would refuse', () => {
    expect(() => structuredOutputSchema(understandingSchema, 'chat understanding')).toThrow(/schema name/);
    expect(() => structuredOutputSchema(understandingSchema, 'x'.repeat(65))).toThrow(/schema name/);
  });
});
