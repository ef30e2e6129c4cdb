import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm start`: builds the dashboard when it is missing or older than its sources, then runs the server. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = path.join(root, 'web/dist/index.html');

function newestModification(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((newest, child) => Math.max(newest, newestModification(path.join(entry, child))), stats.mtimeMs);
}

function dashboardIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const sources = ['web/src', 'web/index.html', 'vite.config.ts'].map((entry) => newestModification(path.join(root, entry)));
  return Math.max(...sources) > statSync(builtIndex).mtimeMs;
}

if (dashboardIsStale()) {
  console.log('Gerando o painel (vite build)…');
  // A child process: Vite sets NODE_ENV=production in the process that builds.
  const viteCli = path.join(root, 'node_modules/vite/bin/vite.js');
  if (!existsSync(viteCli)) {
    console.error('O painel não está gerado e o Vite não está instalado: rode `npm install` (com as dependências de desenvolvimento).');
    process.exit(1);
  }
  const built = spawnSync(process.execPath, [viteCli, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

await import('../src/main');
