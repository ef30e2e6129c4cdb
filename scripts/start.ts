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
  const { build } = await import('vite').catch(() => {
    throw new Error('O painel não está gerado e o Vite não está instalado: rode `npm install` (com as dependências de desenvolvimento).');
  });
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

await import('../src/main');
