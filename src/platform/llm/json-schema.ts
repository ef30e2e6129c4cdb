import { z } from 'zod';

export type JsonSchema = { [keyword: string]: unknown };

const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Schemas are module constants: each is converted and checked once. */
const converted = new WeakMap<z.ZodType, JsonSchema>();

/**
 * The answer's shape as JSON Schema, in the form OpenAI's strict mode demands (and Gemini accepts):
 * every object lists all its properties in `required` and sets `additionalProperties: false`.
 * A schema that cannot take that form is a programming error, reported as a TypeError.
 */
export function structuredOutputSchema(schema: z.ZodType, schemaName: string): JsonSchema {
  if (!SCHEMA_NAME.test(schemaName)) throw new TypeError(`LLM schema name must match ${SCHEMA_NAME.source}: ${JSON.stringify(schemaName)}`);
  const known = converted.get(schema);
  if (known) return known;
  // The round trip drops zod's non-JSON extras; $schema goes because neither provider lists it as supported.
  const { $schema: _dialect, ...jsonSchema } = JSON.parse(JSON.stringify(z.toJSONSchema(schema))) as JsonSchema;
  const problems = strictModeProblems(jsonSchema, '#');
  if (problems.length > 0) {
    throw new TypeError(
      `LLM schema '${schemaName}' cannot be used for structured output: ${problems.join('; ')} ` +
        '(use .nullable() instead of .optional(), and z.object instead of records or loose objects)',
    );
  }
  converted.set(schema, jsonSchema);
  return jsonSchema;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where in a schema an object is not closed and fully required, as JSON pointers. */
function strictModeProblems(node: unknown, pointer: string): string[] {
  if (!isRecord(node)) return [];
  const problems: string[] = [];
  if (node.type === 'object' || isRecord(node.properties)) {
    const properties = isRecord(node.properties) ? Object.keys(node.properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    const optional = properties.filter((property) => !required.includes(property));
    if (optional.length > 0) problems.push(`${pointer} has optional properties (${optional.join(', ')})`);
    if (node.additionalProperties !== false) problems.push(`${pointer} allows additional properties`);
  }
  for (const keyword of ['properties', '$defs', 'definitions']) {
    const children = node[keyword];
    if (isRecord(children))
      for (const [name, child] of Object.entries(children)) problems.push(...strictModeProblems(child, `${pointer}/${keyword}/${name}`));
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    const children = node[keyword];
    if (Array.isArray(children))
      children.forEach((child, index) => problems.push(...strictModeProblems(child, `${pointer}/${keyword}/${index}`)));
  }
  problems.push(...strictModeProblems(node.items, `${pointer}/items`));
  return problems;
}
