import OpenAI from 'openai';
import { seedTenant, startTestApp } from './app';
import { ownerCaller, type Caller } from './identity';
import { startOpenAiUpstream, type OpenAiUpstream } from './openai-upstream';

/** Points the tenant's proxy at a local upstream, with the given request limits. */
export async function configureUpstream(
  owner: Caller,
  upstream: OpenAiUpstream,
  overrides: { rateLimitPerMinute?: number; rateLimitBurst?: number } = {},
) {
  await owner.usage.settings.update({
    litellmSettings: { baseUrl: upstream.url, timeout: 5_000, maxRetries: 1 },
    securitySettings: { rateLimitPerMinute: overrides.rateLimitPerMinute ?? 10_000, rateLimitBurst: overrides.rateLimitBurst ?? 0 },
  });
}

/** An LLM user with a key: the key's SDK client against the app's proxy. */
export async function llmUserWithKey(owner: Caller, appUrl: string, user: { email: string; name?: string; monthlyLimit?: number }) {
  const created = await owner.usage.users.create({
    email: user.email,
    name: user.name ?? user.email,
    monthlyLimit: user.monthlyLimit ?? 100_000,
  });
  const key = await owner.usage.keys.create({ userId: created.id });
  const client = new OpenAI({ baseURL: `${appUrl}/v1`, apiKey: key.key, maxRetries: 0 });
  return { user: created, key, client };
}

/** The app with one usage tenant whose proxy points at a local OpenAI-compatible upstream. */
export async function startProxyWorld() {
  const app = await startTestApp();
  const tenant = await seedTenant(app.services, { modules: ['usage'] });
  const owner = await ownerCaller(app.services, tenant);
  const upstream = await startOpenAiUpstream();
  await configureUpstream(owner, upstream);
  return {
    app,
    tenant,
    owner,
    upstream,
    stop: async () => {
      await app.stop();
      await upstream.close();
    },
  };
}
