import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildServer, root, serverBuildStaleReason } from '../build-server.mjs';
import {
  cpuCores,
  cpuSnapshot,
  freePort,
  parseFlags,
  prepareBenchDatabase,
  printSummary,
  printTable,
  round,
  runBench,
  sleep,
  waitForQuietMachine,
  writeResult,
} from './support';

const TARGET_MS = 3_000;

const HELP = `Usage: npm run bench:startup -- [--runs 7] [--idle 10] [--quick] [--keep]

The embedded default (PGlite, no DATABASE_URL, no REDIS_URL, no NODE_ENV, no secrets: what
\`npm start\` runs on a fresh clone) in a data dir of its own (.bench/pglite/balcao_bench_startup).
A first start migrates it and creates the demo tenant (cold, reported). Then --runs warm starts of
each command, alternating, on that same data dir:
  compiled   node dist/main.js            (the Docker image's command; npm run build:server first if stale)
  baseline   node --import tsx src/main.ts (the sources through the run-time transpiler)
Each start is timed from spawn to the first 200 from GET /ready (polled every 20 ms), with the CPU
the process used until then; the process then gets SIGTERM and must exit before the next one.
The last start of each command stays up --idle seconds with the demo tenant idle (jobs on, nobody
connected); its resident memory (VmRSS, and the peak VmHWM, from /proc/<pid>/status) is reported.
--quick: 3 warm starts of each, and the memory of the compiled build only.
The summary line: the compiled median start-to-ready (target < ${TARGET_MS} ms) against the baseline's.`;

const POLL_MS = 20;
const READY_TIMEOUT_MS = 300_000;
const EXIT_TIMEOUT_MS = 30_000;

interface Command {
  name: 'compiled' | 'baseline';
  args: string[];
}

const COMMANDS: Command[] = [
  { name: 'compiled', args: ['dist/main.js'] },
  { name: 'baseline', args: ['--import', 'tsx', 'src/main.ts'] },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

interface CommandStats {
  medianMs: number;
  minMs: number;
  maxMs: number;
  cpuMedianMs: number;
  memory: Memory | undefined;
}

interface Start {
  readyMs: number;
  cpuMs: number;
}

interface Memory {
  rssMiB: number;
  peakMiB: number;
}

/** The process's own CPU time (user + system), in ms, from /proc/<pid>/stat. */
function cpuMsOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: round(kib('VmRSS') / 1024, 0), peakMiB: round(kib('VmHWM') / 1024, 0) };
}

/** The environment of `npm start` on a fresh clone, on the bench's data dir and port. */
function embeddedEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const name of ['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'SECRETS_KEY', 'DEMO_TENANT', 'JOBS_ENABLED', 'PUBLIC_URL']) {
    delete env[name];
  }
  return env;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(EXIT_TIMEOUT_MS).then(() => 'timeout')])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the app did not exit within ${EXIT_TIMEOUT_MS / 1000} s of SIGTERM`);
  }
}

/** One start: spawn → first 200 from /ready; `idleSeconds` > 0 keeps it up that long and reads its memory. */
async function startOnce(command: Command, dataDir: string, idleSeconds = 0): Promise<Start & { memory?: Memory }> {
  const port = await freePort();
  const output: Buffer[] = [];
  const startedAt = performance.now();
  const child = spawn(process.execPath, command.args, { cwd: root, env: embeddedEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.name} exited with ${child.exitCode} before it was ready`);
      if (performance.now() - startedAt > READY_TIMEOUT_MS)
        throw new Error(`${command.name} not ready within ${READY_TIMEOUT_MS / 1000} s`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) break;
      await sleep(POLL_MS);
    }
    const start = { readyMs: Math.round(performance.now() - startedAt), cpuMs: cpuMsOf(child.pid!) };
    if (idleSeconds <= 0) return start;
    await sleep(idleSeconds * 1000);
    return { ...start, memory: memoryOf(child.pid!) };
  } catch (error) {
    process.stderr.write(Buffer.concat(output));
    throw error;
  } finally {
    await stopProcess(child);
    process.off('exit', killNow);
  }
}

runBench(async () => {
  const flags = parseFlags(HELP, { runs: 7, idle: 10 }, ['quick'] as const);
  const runs = flags.quick ? 3 : Math.round(flags.runs);

  const staleBecause = serverBuildStaleReason();
  if (staleBecause) {
    console.log(`building the server (${staleBecause})`);
    await buildServer({ log: (line) => console.log(line) });
  }
  const checkStartedAt = performance.now();
  serverBuildStaleReason();
  const staleCheckMs = round(performance.now() - checkStartedAt, 0);
  if (!existsSync(path.join(root, 'web/dist/index.html')))
    console.warn('note: web/dist is not built; the dashboard is not served (no effect on /ready)');

  const database = await prepareBenchDatabase('balcao_bench_startup', { pglite: true, keep: flags.keep });
  if (database.kind !== 'pglite') throw new Error('the startup bench runs on the embedded database');
  const { dataDir } = database;

  const quiet = await waitForQuietMachine(flags.quick ? 15 : 60);
  const before = cpuSnapshot({});
  const runStartedAt = performance.now();

  const compiled = COMMANDS[0]!;
  const cold = await startOnce(compiled, dataDir);
  console.log(`cold start (migrations + demo tenant): ${cold.readyMs} ms, ${cold.cpuMs} ms CPU`);

  const readyMs: Record<Command['name'], number[]> = { compiled: [], baseline: [] };
  const cpuMs: Record<Command['name'], number[]> = { compiled: [], baseline: [] };
  const memory: Partial<Record<Command['name'], Memory>> = {};
  const rows: Array<Record<string, string | number>> = [];
  for (let run = 1; run <= runs; run += 1) {
    for (const command of COMMANDS) {
      const measureMemory = run === runs && (command.name === 'compiled' || !flags.quick);
      const start = await startOnce(command, dataDir, measureMemory ? flags.idle : 0);
      readyMs[command.name].push(start.readyMs);
      cpuMs[command.name].push(start.cpuMs);
      if (start.memory) memory[command.name] = start.memory;
      rows.push({
        run,
        command: command.name,
        'ready ms': start.readyMs,
        'cpu ms': start.cpuMs,
        'idle RSS MiB': start.memory?.rssMiB ?? '',
        'peak RSS MiB': start.memory?.peakMiB ?? '',
      });
    }
  }
  const seconds = (performance.now() - runStartedAt) / 1000;
  const cores = cpuCores(before, cpuSnapshot({}), seconds);
  printTable(rows);

  const stats = (name: Command['name']): CommandStats => ({
    medianMs: median(readyMs[name]),
    minMs: Math.min(...readyMs[name]),
    maxMs: Math.max(...readyMs[name]),
    cpuMedianMs: median(cpuMs[name]),
    memory: memory[name],
  });
  const compiledStats = stats('compiled');
  const baselineStats = stats('baseline');
  const otherCores = cores.other ?? 0;
  const noisy = otherCores > 0.25;
  if (noisy) console.warn(`warning: other work on the machine used ${otherCores} cores during the run; figures are high and noisy`);

  const result = {
    runs,
    cold,
    compiled: { ...compiledStats, readyMs: readyMs.compiled },
    baseline: { ...baselineStats, readyMs: readyMs.baseline },
    staleCheckMs,
    quietBeforePct: quiet,
    cores,
  };
  console.log(`results: ${writeResult('startup.json', result)}`);

  const described = (stats: CommandStats) => `${stats.medianMs} ms (${stats.minMs}–${stats.maxMs}), CPU ${stats.cpuMedianMs} ms`;
  const rss = (stats: CommandStats) => (stats.memory ? `${stats.memory.rssMiB} MiB (peak ${stats.memory.peakMiB} MiB)` : 'not measured');
  printSummary({
    bench: 'startup',
    database: 'pglite',
    figure: { name: 'compiled start-to-ready', value: compiledStats.medianMs, unit: 'ms' },
    baseline: { name: 'tsx start-to-ready', value: baselineStats.medianMs },
    better: 'lower',
    target: { on: 'figure', op: '<', value: TARGET_MS },
    noisy,
    note:
      `warm starts, median (min–max) of ${runs}: compiled ${described(compiledStats)}; tsx ${described(baselineStats)}; ` +
      `cold start ${cold.readyMs} ms; ` +
      `RSS after ${flags.idle} s idle with the demo tenant: compiled ${rss(compiledStats)}, tsx ${rss(baselineStats)}; ` +
      `npm start's build check ${staleCheckMs} ms; other work on the machine ${otherCores} cores`,
  });
  return 0;
});
