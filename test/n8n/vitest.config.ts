import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Integration tests against a real n8n (installed once into a cache folder by test/n8n/global-setup.ts, before
 * any test and outside their timeouts), beside Balcão itself (the test database prepared as for the other
 * integration tests); one file at a time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/n8n/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/n8n/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
