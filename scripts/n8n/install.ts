/**
 * Installs the pinned n8n into its cache folder (a no-op once it is there) and prints the path of its bin:
 *   tsx scripts/n8n/install.ts
 * Progress goes to stderr, so `$(tsx scripts/n8n/install.ts)` is just the path.
 */
import { ensureN8nInstalled, n8nCacheDir, N8N_VERSION } from './runtime';

const started = Date.now();
try {
  const bin = await ensureN8nInstalled({ log: (message) => console.error(`[n8n] ${message}`) });
  console.error(`[n8n] ${N8N_VERSION} ready in ${n8nCacheDir()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(bin);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
