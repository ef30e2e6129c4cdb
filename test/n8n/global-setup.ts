import type { TestProject } from 'vitest/node';
import { ensureN8nInstalled, N8N_VERSION } from '../../scripts/n8n/runtime';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The n8n bin, provided only by this setup: test files use it to tell that they run under test/n8n/vitest.config.ts. */
    n8nBin: string;
  }
}

/** Installs n8n once per run (about 4 minutes the first time, then instant), before any test and outside their timeouts. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const bin = await ensureN8nInstalled({ log: (message) => console.log(`[n8n] ${message}`) });
  project.provide('n8nBin', bin);
  console.log(`[tests] n8n ${N8N_VERSION}: ${bin} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
