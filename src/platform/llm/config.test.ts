import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { createLlmProvider } from './index';

/** loadConfig with the secrets set, so it writes nothing under DATA_DIR. */
function llmConfigFrom(llmEnv: Record<string, string>) {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    SECRETS_KEY: 'test-secrets-key-that-is-long-enough-to-derive',
    DATA_DIR: '/tmp/balcao-test-data-unused',
    ...llmEnv,
  }).llm;
}

describe('LLM configuration', () => {
  it('is offline when nothing is configured', () => {
    expect(llmConfigFrom({})).toEqual({ provider: 'offline' });
    expect(createLlmProvider(llmConfigFrom({}))).toBeUndefined();
  });

  it('auto picks Gemini when GEMINI_API_KEY is set, even with LLM_BASE_URL too', () => {
    const llm = llmConfigFrom({ GEMINI_API_KEY: 'AIza-key', LLM_BASE_URL: 'http://localhost:4000/v1' });
    expect(llm).toEqual({
      provider: 'gemini',
      apiKey: 'AIza-key',
      model: 'gemini-2.5-flash',
      baseUrl: 'https://generativelanguage.googleapis.com',
      timeoutMs: 8000,
    });
    expect(createLlmProvider(llm)).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash' });
  });

  it('auto picks the OpenAI-compatible endpoint when only LLM_BASE_URL is set', () => {
    const llm = llmConfigFrom({ LLM_BASE_URL: 'http://localhost:4000/v1/' });
    expect(llm).toEqual({
      provider: 'openai_compatible',
      baseUrl: 'http://localhost:4000/v1',
      apiKey: undefined,
      model: 'gpt-4o-mini',
      timeoutMs: 8000,
    });
    expect(createLlmProvider(llm)).toMatchObject({ provider: 'openai_compatible', model: 'gpt-4o-mini' });
  });

  it('treats empty values (as in .env.example) as unset', () => {
    expect(
      llmConfigFrom({ LLM_PROVIDER: 'auto', GEMINI_API_KEY: ' ', GEMINI_MODEL: '', LLM_BASE_URL: '', LLM_API_KEY: '', LLM_MODEL: '' }),
    ).toEqual({ provider: 'offline' });
  });

  it('takes the models, base URLs, key and timeout from the environment', () => {
    expect(
      llmConfigFrom({
        LLM_PROVIDER: 'gemini',
        GEMINI_API_KEY: 'AIza-key',
        GEMINI_MODEL: 'gemini-2.5-pro',
        GEMINI_BASE_URL: 'http://proxy.local:8080/',
        LLM_TIMEOUT_MS: '15000',
      }),
    ).toEqual({ provider: 'gemini', apiKey: 'AIza-key', model: 'gemini-2.5-pro', baseUrl: 'http://proxy.local:8080', timeoutMs: 15000 });
    expect(
      llmConfigFrom({
        LLM_PROVIDER: 'openai_compatible',
        LLM_BASE_URL: 'https://llm.example.com/v1',
        LLM_API_KEY: 'sk-1',
        LLM_MODEL: 'claude-haiku',
        GEMINI_API_KEY: 'AIza-key',
      }),
    ).toEqual({
      provider: 'openai_compatible',
      baseUrl: 'https://llm.example.com/v1',
      apiKey: 'sk-1',
      model: 'claude-haiku',
      timeoutMs: 8000,
    });
  });

  it('stays offline when asked to, whatever else is set', () => {
    expect(llmConfigFrom({ LLM_PROVIDER: 'offline', GEMINI_API_KEY: 'AIza-key', LLM_BASE_URL: 'http://localhost:4000/v1' })).toEqual({
      provider: 'offline',
    });
  });

  it('refuses gemini without GEMINI_API_KEY', () => {
    expect(() => llmConfigFrom({ LLM_PROVIDER: 'gemini' })).toThrow(ConfigError);
    expect(() => llmConfigFrom({ LLM_PROVIDER: 'gemini', LLM_BASE_URL: 'http://localhost:4000/v1' })).toThrow(
      'Invalid configuration: GEMINI_API_KEY is required when LLM_PROVIDER=gemini',
    );
  });

  it('refuses openai_compatible without LLM_BASE_URL', () => {
    expect(() => llmConfigFrom({ LLM_PROVIDER: 'openai_compatible', GEMINI_API_KEY: 'AIza-key' })).toThrow(
      new ConfigError('Invalid configuration: LLM_BASE_URL is required when LLM_PROVIDER=openai_compatible'),
    );
  });

  it.each([
    [{ LLM_PROVIDER: 'openai' }, 'LLM_PROVIDER'],
    [{ LLM_TIMEOUT_MS: '50' }, 'LLM_TIMEOUT_MS'],
    [{ LLM_TIMEOUT_MS: '120001' }, 'LLM_TIMEOUT_MS'],
    [{ LLM_BASE_URL: 'localhost:4000' }, 'LLM_BASE_URL must be an http(s) URL'],
    [{ GEMINI_BASE_URL: 'ftp://proxy' }, 'GEMINI_BASE_URL'],
  ])('reports a bad value like any other setting: %j', (llmEnv, problem) => {
    expect(() => llmConfigFrom(llmEnv)).toThrow(ConfigError);
    expect(() => llmConfigFrom(llmEnv)).toThrow(problem);
  });
});
