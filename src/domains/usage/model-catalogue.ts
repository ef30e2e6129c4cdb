/** What is known of common models before an admin edits them: USD per token, context size and abilities. */
export interface KnownModel {
  provider: string;
  costPerInputToken: string;
  costPerOutputToken: string;
  maxTokens: number;
  supportsVision: boolean;
  supportsFunctionCalling: boolean;
}

const known = (
  provider: string,
  inputPerMillion: number,
  outputPerMillion: number,
  maxTokens: number,
  vision: boolean,
  functions: boolean,
): KnownModel => ({
  provider,
  costPerInputToken: (inputPerMillion / 1_000_000).toFixed(12),
  costPerOutputToken: (outputPerMillion / 1_000_000).toFixed(12),
  maxTokens,
  supportsVision: vision,
  supportsFunctionCalling: functions,
});

/** Longest prefix wins: 'gpt-4o-mini-2024-07-18' is a gpt-4o-mini. Prices are the providers' list prices per million tokens. */
const CATALOGUE: Array<[prefix: string, model: KnownModel]> = [
  ['gpt-4o-mini', known('openai', 0.15, 0.6, 128_000, true, true)],
  ['gpt-4o', known('openai', 2.5, 10, 128_000, true, true)],
  ['gpt-4.1-nano', known('openai', 0.1, 0.4, 1_047_576, true, true)],
  ['gpt-4.1-mini', known('openai', 0.4, 1.6, 1_047_576, true, true)],
  ['gpt-4.1', known('openai', 2, 8, 1_047_576, true, true)],
  ['gpt-5-nano', known('openai', 0.05, 0.4, 400_000, true, true)],
  ['gpt-5-mini', known('openai', 0.25, 2, 400_000, true, true)],
  ['gpt-5', known('openai', 1.25, 10, 400_000, true, true)],
  ['gpt-4-turbo', known('openai', 10, 30, 128_000, true, true)],
  ['gpt-4', known('openai', 30, 60, 8_192, false, true)],
  ['gpt-3.5-turbo', known('openai', 0.5, 1.5, 16_385, false, true)],
  ['o3-mini', known('openai', 1.1, 4.4, 200_000, false, true)],
  ['o4-mini', known('openai', 1.1, 4.4, 200_000, true, true)],
  ['text-embedding-3-small', known('openai', 0.02, 0, 8_191, false, false)],
  ['text-embedding-3-large', known('openai', 0.13, 0, 8_191, false, false)],
  ['text-embedding-ada-002', known('openai', 0.1, 0, 8_191, false, false)],
  ['gemini-2.5-flash', known('google', 0.3, 2.5, 1_048_576, true, true)],
  ['gemini-2.5-pro', known('google', 1.25, 10, 1_048_576, true, true)],
  ['gemini-2.0-flash', known('google', 0.1, 0.4, 1_048_576, true, true)],
  ['gemini-1.5-flash', known('google', 0.075, 0.3, 1_048_576, true, true)],
  ['gemini-1.5-pro', known('google', 1.25, 5, 2_097_152, true, true)],
  ['claude-3-5-haiku', known('anthropic', 0.8, 4, 200_000, false, true)],
  ['claude-3-5-sonnet', known('anthropic', 3, 15, 200_000, true, true)],
  ['claude-sonnet-4', known('anthropic', 3, 15, 200_000, true, true)],
  ['claude-opus-4', known('anthropic', 15, 75, 200_000, true, true)],
  ['llama', known('meta', 0, 0, 128_000, false, true)],
  ['mistral', known('mistral', 0, 0, 32_000, false, true)],
];

export function knownModel(name: string): KnownModel | undefined {
  const bare = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  let best: [string, KnownModel] | undefined;
  for (const entry of CATALOGUE) if (bare.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}

/** The provider of a model the catalogue does not know: the upstream's owned_by, or the prefix of a LiteLLM name ('azure/gpt-4o'). */
export function providerOf(name: string, ownedBy: string | undefined): string {
  if (name.includes('/')) return name.slice(0, name.indexOf('/'));
  return knownModel(name)?.provider ?? ownedBy ?? '';
}
