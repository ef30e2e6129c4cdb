import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, round, type BenchSummaryLine } from './support';

const HELP = `Usage: npm run bench [-- --only http,queue] [--full]

Runs every benchmark's quick version one after the other (each with --quick; the ones that make sense
on the embedded default also with --pglite), then prints one table of their summary lines (figure,
same-run baseline, ratio, target, met) and one table of the embedded default against Postgres.
Needs the local Postgres and Redis (BENCH_PG_URL, BENCH_REDIS_URL). About 10 minutes on 2 cores.

  --only   comma-separated bench names (the part after bench: in package.json)
  --full   the full versions instead of --quick (an hour or more)`;

/** Every bench, by its npm script name, with the file it runs and whether it also runs on PGlite. */
const BENCHES: Array<{ name: string; file: string; pglite?: boolean }> = [
  { name: 'http', file: 'http-query.ts', pglite: true },
  { name: 'ingest', file: 'helpdesk-ingest.ts', pglite: true },
  { name: 'inbox', file: 'helpdesk-inbox.ts', pglite: true },
  { name: 'queue', file: 'queue.ts', pglite: true },
  { name: 'usage-proxy', file: 'usage-proxy.ts', pglite: true },
  { name: 'ws', file: 'ws-fanout.ts' },
  { name: 'external-api', file: 'helpdesk-external-api.ts' },
  { name: 'agenda', file: 'agenda-campaign.ts' },
  { name: 'agenda-chat', file: 'agenda-chat.ts' },
  { name: 'usage-ingest', file: 'usage-ingest.ts' },
  { name: 'usage-analytics', file: 'usage-analytics.ts' },
  { name: 'inventory-search', file: 'inventory-search.ts' },
  { name: 'inventory-audit', file: 'inventory-audit.ts' },
  { name: 'inventory-heartbeats', file: 'inventory-heartbeats.ts' },
  { name: 'startup', file: 'startup.ts' },
  { name: 'retention', file: 'retention.ts' },
];

let options: { only?: string; full?: boolean; help?: boolean };
try {
  ({ values: options } = parseArgs({
    options: { only: { type: 'string' }, full: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  console.log(HELP);
  process.exit(0);
}
const only = options.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !BENCHES.some((bench) => bench.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')}\n\n${HELP}`);
  process.exit(2);
}

const summaryFile = path.resolve('.bench', 'summary.jsonl');
const runs = BENCHES.filter((bench) => !only || only.includes(bench.name)).flatMap((bench) => [
  { ...bench, args: options.full ? [] : ['--quick'] },
  ...(bench.pglite ? [{ ...bench, args: [...(options.full ? [] : ['--quick']), '--pglite'] }] : []),
]);

function run(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, file), ...args], { stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const startedAt = new Date();
const failed: string[] = [];
for (const bench of runs) {
  const label = `bench:${bench.name} ${bench.args.join(' ')}`;
  console.log(`\n==== ${label}`);
  const benchStartedAt = Date.now();
  const code = await run(bench.file, bench.args);
  console.log(`==== ${label}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${round((Date.now() - benchStartedAt) / 1000, 0)} s`);
  if (code !== 0) failed.push(label);
}

const lines = existsSync(summaryFile)
  ? readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BenchSummaryLine)
      .filter((line) => new Date(line.at) >= startedAt)
  : [];
const format = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 });

console.log(`\n==== ${lines.length} summaries in ${round((Date.now() - startedAt.getTime()) / 60_000, 1)} min`);
if (lines.length > 0)
  printTable(
    lines.map((line) => ({
      bench: line.bench,
      database: line.database,
      figure: `${line.figure.name} ${format(line.figure.value)} ${line.figure.unit}`,
      baseline: `${line.baseline.name} ${format(line.baseline.value)}`,
      ratio: line.ratio,
      target: `${line.target.on} ${line.target.op} ${format(line.target.value)}`,
      met: line.met ? 'met' : 'NOT met',
      noisy: line.noisy ? 'noisy' : '',
    })),
  );

const embedded = lines.filter((line) => line.database === 'pglite');
if (embedded.length > 0) {
  console.log('\nthe embedded default (PGlite) against Postgres, same figure, same machine, one run each');
  printTable(
    embedded.map((line) => {
      const server = lines.find((other) => other.bench === line.bench && other.database === 'postgres');
      const ratio = server
        ? line.better === 'higher'
          ? line.figure.value / server.figure.value
          : server.figure.value / line.figure.value
        : NaN;
      return {
        bench: line.bench,
        figure: line.figure.name,
        postgres: server ? `${format(server.figure.value)} ${server.figure.unit}` : '—',
        pglite: `${format(line.figure.value)} ${line.figure.unit}`,
        'pglite / postgres': Number.isNaN(ratio) ? '—' : round(ratio, 2),
        'pglite target': `${line.target.on} ${line.target.op} ${format(line.target.value)}`,
        met: line.met ? 'met' : 'NOT met',
      };
    }),
  );
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join('; ')}`);
  process.exit(1);
}
