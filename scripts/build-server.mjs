// @ts-check
/**
 * The server build: src/main.ts and the production CLIs (migrate, tenant-seed) bundled by esbuild
 * into dist/ as ES modules for Node 20, with source maps. Migrations are imported by the migrator,
 * so they are in the bundle too.
 *
 * Plain JavaScript on purpose: `npm start` runs it with node before any TypeScript is compiled.
 *
 * Why a bundle: the sources import without file extensions (moduleResolution "bundler"), which
 * Node cannot load as emitted by tsc, and one bundle starts faster than some 900 separate modules
 * (Node's ESM loader resolves, reads and links each one). esbuild type-strips only; `npm test`
 * type-checks.
 *
 * What stays outside the bundle, loaded from node_modules at run time:
 *  - @electric-sql/pglite: it reads its .wasm and .data files next to its own modules;
 *  - @node-rs/argon2: a native addon picked per platform;
 *  - pg-native: pg's optional native driver, absent unless installed.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distFolder = path.join(root, 'dist');

/**
 * The compiled entries, by name: `dist/<name>.js`. Shared code goes to chunks beside them in
 * dist/ itself: src/app.ts finds the dashboard at `<its folder>/../web/dist`, and from dist/
 * that is the repository's web/dist.
 */
export const SERVER_ENTRIES = {
  main: 'src/main.ts',
  migrate: 'scripts/migrate.ts',
  'tenant-seed': 'scripts/tenant-seed.ts',
};

const EXTERNAL_PACKAGES = ['@electric-sql/pglite', '@node-rs/argon2', 'pg-native'];

/** Written last by a successful build: when it ran and every file that went into it. */
const MANIFEST = 'build-manifest.json';

/** Files that change the output without being bundled inputs. */
const BUILD_DEFINITION = ['scripts/build-server.mjs', 'package-lock.json'];

/**
 * @typedef {{ builtAt: number; inputs: string[] }} BuildManifest
 */

/**
 * @param {string} outdir
 * @returns {BuildManifest | undefined}
 */
function readManifest(outdir) {
  try {
    return JSON.parse(readFileSync(path.join(outdir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why the server build must be (re)made, or undefined when it is current: an entry is missing,
 * or a file that went into it (a source, a migration, a bundled package, the lock file, this
 * script) changed or disappeared since.
 * @param {string} [outdir] where the build is (dist/)
 * @returns {string | undefined}
 */
export function serverBuildStaleReason(outdir = distFolder) {
  const manifest = readManifest(outdir);
  if (!manifest) return `${path.relative(root, outdir)}/ não tem o servidor compilado`;
  for (const name of Object.keys(SERVER_ENTRIES)) {
    if (!existsSync(path.join(outdir, `${name}.js`))) return `falta ${path.relative(root, path.join(outdir, `${name}.js`))}`;
  }
  for (const input of [...manifest.inputs, ...BUILD_DEFINITION]) {
    const file = path.join(root, input);
    if (!existsSync(file)) return `${input} não existe mais`;
    if (statSync(file).mtimeMs > manifest.builtAt) return `${input} mudou`;
  }
  return undefined;
}

/**
 * Bundles the server into dist/ (or `outdir`). esbuild comes with the development dependencies.
 * @param {{ outdir?: string; log?: (line: string) => void }} [options]
 */
export async function buildServer({ outdir = distFolder, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const esbuildEntry = path.join(root, 'node_modules/esbuild/lib/main.js');
  if (!existsSync(esbuildEntry)) {
    throw new Error(
      'O servidor não está compilado (dist/) e o esbuild não está instalado: rode `npm install` com as dependências de desenvolvimento e `npm run build`.',
    );
  }
  /** @type {typeof import('esbuild')} */
  const esbuild = await import(pathToFileURL(esbuildEntry).href);
  const builtAt = Date.now();
  const startedAt = performance.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // esbuild's service process would otherwise live on beside the server that `npm start` runs next.
  const result = await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: SERVER_ENTRIES,
      outdir,
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      // Where the bundle renames a clashing binding, classes and functions still report their own name.
      keepNames: true,
      external: EXTERNAL_PACKAGES.flatMap((name) => [name, `${name}/*`]),
      // Bundled CommonJS packages call require() for Node's built-ins; an ES module has none of its own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
    })
    .finally(() => esbuild.stop());
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('<'));
  /** @type {BuildManifest} */
  const manifest = { builtAt, inputs };
  writeFileSync(path.join(outdir, MANIFEST), `${JSON.stringify(manifest)}\n`);
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  log(
    `Servidor compilado em ${path.relative(root, outdir)}/ (${Object.keys(SERVER_ENTRIES).join(', ')}; ${(bytes / 1024 / 1024).toFixed(1)} MB de JavaScript, ${inputs.length} arquivos de entrada) em ${Math.round(performance.now() - startedAt)} ms.`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildServer();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
