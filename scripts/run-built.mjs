// @ts-check
/**
 * `npm start`, `npm run migrate` and `npm run tenant:seed`: runs a compiled entry of dist/ in this
 * same process (no TypeScript loader), after building what is missing or older than its sources:
 * the server (scripts/build-server.mjs) and, for the server, the dashboard (vite build).
 *
 *   node scripts/run-built.mjs main|migrate|tenant-seed [arguments of the entry…]
 *
 * Where there are no sources (the Docker image ships dist/ without src/), dist/ is run as it is.
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = ['main', 'migrate', 'tenant-seed'];

const [entry, ...entryArguments] = process.argv.slice(2);
if (!entry || !ENTRIES.includes(entry)) {
  console.error(`Uso: node scripts/run-built.mjs ${ENTRIES.join('|')} [argumentos…]`);
  process.exit(2);
}

/** @param {string} message */
function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * @param {string} entry
 * @returns {number}
 */
function newestModification(entry) {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((newest, child) => Math.max(newest, newestModification(path.join(entry, child))), stats.mtimeMs);
}

function dashboardIsStale() {
  const builtIndex = path.join(root, 'web/dist/index.html');
  if (!existsSync(path.join(root, 'web/src'))) return false;
  if (!existsSync(builtIndex)) return true;
  const sources = ['web/src', 'web/index.html', 'vite.config.ts'].map((source) => newestModification(path.join(root, source)));
  return Math.max(...sources) > statSync(builtIndex).mtimeMs;
}

function buildDashboard() {
  console.error('Gerando o painel (vite build)…');
  const viteCli = path.join(root, 'node_modules/vite/bin/vite.js');
  if (!existsSync(viteCli))
    fail('O painel não está gerado e o Vite não está instalado: rode `npm install` (com as dependências de desenvolvimento).');
  // A child process: Vite sets NODE_ENV=production in the process that builds.
  const built = spawnSync(process.execPath, [viteCli, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

if (entry === 'main' && dashboardIsStale()) buildDashboard();

const compiled = path.join(root, 'dist', `${entry}.js`);
if (existsSync(path.join(root, 'src'))) {
  // The builder (and esbuild through it) is loaded only when there are sources to check.
  const { buildServer, serverBuildStaleReason } = await import('./build-server.mjs');
  const staleBecause = serverBuildStaleReason();
  if (staleBecause) {
    console.error(`Compilando o servidor (${staleBecause})…`);
    await buildServer().catch((/** @type {unknown} */ error) => fail(error instanceof Error ? error.message : String(error)));
  }
} else if (!existsSync(compiled)) {
  fail(`Falta ${path.relative(root, compiled)} e não há fontes para compilar.`);
}

// The entry reads its own arguments from process.argv, as when run as `node dist/<entry>.js …`.
process.argv = [process.argv[0] ?? process.execPath, compiled, ...entryArguments];
await import(pathToFileURL(compiled).href);
