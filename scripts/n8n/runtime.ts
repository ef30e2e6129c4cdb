/**
 * A real n8n for integration tests. A pinned n8n is installed once into a cache folder
 * ({@link ensureN8nInstalled}); {@link startN8n} then runs throwaway instances of it, each with its
 * own user folder, SQLite database and port, loaded with the workflows and credentials a test gives.
 *
 * Importing this module has no side effects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The n8n release the harness installs: the last line that runs on Node 20. */
export const N8N_VERSION = '1.123.81';

/** Receives progress messages (install steps, startup); the harness is silent without one. */
export type Log = (message: string) => void;

/** A node of a workflow, as n8n exports it. */
export interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  webhookId?: string;
  [field: string]: unknown;
}

/** One link of a workflow's graph: the node it leads to and that node's input. */
export interface N8nConnection {
  node: string;
  type: string;
  index: number;
}

/** A workflow, as n8n exports it. Its `id` is fixed so that importing it again replaces it. */
export interface N8nWorkflow {
  id: string;
  name: string;
  nodes: N8nNode[];
  /** Source node name → output type (usually `main`) → one list of links per output. */
  connections: Record<string, Record<string, Array<N8nConnection[] | null>>>;
  settings?: Record<string, unknown>;
  /** Tags by name; n8n creates the ones it does not have yet. */
  tags?: Array<{ name: string; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** A credential to import; `data` is plain (n8n encrypts it with the instance's key on import). */
export interface N8nCredential {
  id: string;
  name: string;
  /** The credential type, e.g. `httpHeaderAuth`. */
  type: string;
  data: Record<string, unknown>;
}

/** What {@link startN8n} loads into the new instance. */
export interface StartN8nOptions {
  workflows: N8nWorkflow[];
  credentials?: N8nCredential[];
  /** Extra environment for n8n: secrets that workflows read with `$env.X`, or n8n settings to override. */
  env?: Record<string, string>;
  log?: Log;
  /** How long importing, starting and activating every workflow may take; 120 s by default. */
  timeoutMs?: number;
}

/** Why an execution failed, as n8n recorded it. */
export interface N8nExecutionError {
  message: string;
  description?: string;
  /** The name of the node that failed. */
  node?: string;
  /** The HTTP status of a failed request, as n8n records it (a string such as `'404'`). */
  httpCode?: string;
}

/** One workflow execution, read from the instance's database. */
export interface N8nExecution {
  id: string;
  workflowId: string;
  workflowName: string;
  /** n8n's status: `new`, `running`, `success`, `error`, `canceled`, `crashed`, `waiting`… */
  status: string;
  /** How it started: `webhook`, `trigger`, `manual`… */
  mode: string;
  error?: N8nExecutionError;
  /** The node that ran last. */
  lastNode?: string;
}

/** A running n8n instance started by {@link startN8n}. */
export interface RunningN8n {
  /** Its base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Its user folder (`N8N_USER_FOLDER`): database, settings and the `n8n.log` of this instance. */
  readonly userFolder: string;
  /** The production URL of the webhook at `path`. */
  webhookUrl(path: string): string;
  /** Everything n8n has printed so far. */
  log(): string;
  /** Every execution recorded so far, oldest first. */
  executions(): Promise<N8nExecution[]>;
  /** Polls {@link RunningN8n.executions} until `predicate` holds (10 s by default), and returns them. */
  waitForExecutions(predicate: (executions: N8nExecution[]) => boolean, timeoutMs?: number): Promise<N8nExecution[]>;
  /** SIGTERM, SIGKILL after 5 s; then removes the user folder unless KEEP_N8N=1. Safe to call twice. */
  stop(): Promise<void>;
}

const silent: Log = () => {};

// ---------------------------------------------------------------------------------------------
// Installing
// ---------------------------------------------------------------------------------------------

const RUNTIME_PACKAGE_JSON = { name: 'balcao-n8n-runtime', private: true, overrides: { xlsx: '0.18.5' } };
const INSTALLED_MARKER = 'balcao-n8n-installed.json';
/** An install takes about 4 minutes; a lock held much longer than that belongs to a process that hung. */
const LOCK_STALE_AFTER_MS = 30 * 60_000;
/** A lock folder without its owner file is mid-creation for a moment only. */
const LOCK_OWNERLESS_GRACE_MS = 60_000;
const LOCK_POLL_MS = 2_000;

/**
 * The folder n8n is installed into: `N8N_CACHE_DIR`, or `balcao/n8n-<version>` under
 * `XDG_CACHE_HOME` (`~/.cache` by default).
 */
export function n8nCacheDir(): string {
  if (process.env.N8N_CACHE_DIR) return path.resolve(process.env.N8N_CACHE_DIR);
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'balcao', `n8n-${N8N_VERSION}`);
}

/**
 * Installs n8n {@link N8N_VERSION} into {@link n8nCacheDir} unless a complete install is there,
 * and returns the path of its `n8n` bin.
 *
 * Safe to call from several processes at once: one installs while the others wait on a lock
 * folder (a lock whose owner died is taken over). The install is built in a staging folder
 * beside the cache folder, marked complete, and only then renamed into place, so the cache
 * folder never holds a partial install, whatever happens to the lock.
 */
export async function ensureN8nInstalled({ log = silent }: { log?: Log } = {}): Promise<string> {
  return n8nBinIn(await ensureInstallFolder(log));
}

async function ensureInstallFolder(log: Log): Promise<string> {
  const dir = n8nCacheDir();
  if (isInstalled(dir)) return dir;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await withInstallLock(dir, log, async () => {
    if (!isInstalled(dir)) await installN8n(dir, log);
  });
  if (!isInstalled(dir)) throw new Error(`n8n is still not installed in ${dir}`);
  return dir;
}

function n8nBinIn(dir: string): string {
  return path.join(dir, 'node_modules', '.bin', 'n8n');
}

function isInstalled(dir: string): boolean {
  const marker = readJson(path.join(dir, INSTALLED_MARKER));
  return asRecord(marker)?.version === N8N_VERSION && existsSync(n8nBinIn(dir));
}

async function installN8n(dir: string, log: Log): Promise<void> {
  const staging = `${dir}.staging-${process.pid}`;
  const npmLogFile = `${dir}.install.log`;
  await removeAbandonedStagingFolders(dir);
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  const started = Date.now();
  log(`installing n8n ${N8N_VERSION} into ${dir} (about 4 minutes; npm's output goes to ${npmLogFile})`);
  try {
    await fs.writeFile(path.join(staging, 'package.json'), `${JSON.stringify(RUNTIME_PACKAGE_JSON, null, 2)}\n`);
    await runInstallSteps(staging, new OutputLog(npmLogFile, { append: false }), log);
    await fs.writeFile(
      path.join(staging, INSTALLED_MARKER),
      `${JSON.stringify({ version: N8N_VERSION, node: process.version, installedAt: new Date().toISOString() }, null, 2)}\n`,
    );
    await publishInstall(staging, dir);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  log(`n8n ${N8N_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** npm install without lifecycle scripts, then the one native module n8n needs here, then a check that it loads. */
async function runInstallSteps(staging: string, output: OutputLog, log: Log): Promise<void> {
  try {
    const steps: Array<[string, string, string[]]> = [
      ['npm install', 'npm', ['i', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`]],
      ['building sqlite3', 'npm', ['rebuild', 'sqlite3', '--build-from-source']],
      ['checking that sqlite3 loads', process.execPath, ['-e', "require('sqlite3')"]],
    ];
    for (const [title, command, args] of steps) {
      log(`${title}…`);
      await runToCompletion(command, args, { cwd: staging, env: process.env, output });
    }
    if (!existsSync(n8nBinIn(staging))) throw new Error(`npm finished but ${n8nBinIn(staging)} is missing`);
  } finally {
    await output.close();
  }
}

/** Renames the finished staging folder into place; a folder already there is replaced only if it is an install of ours. */
async function publishInstall(staging: string, dir: string): Promise<void> {
  if (existsSync(dir)) {
    if (isInstalled(dir)) return; // Another process finished first (only if the lock was broken): keep its install.
    if (asRecord(readJson(path.join(dir, 'package.json')))?.name !== RUNTIME_PACKAGE_JSON.name) {
      throw new Error(`${dir} exists and is not an n8n install made by this harness: remove it, or set N8N_CACHE_DIR elsewhere`);
    }
    await fs.rm(dir, { recursive: true, force: true });
  }
  await fs.rename(staging, dir);
}

/** Staging folders of installs whose process died (they are 1.8 GB each). */
async function removeAbandonedStagingFolders(dir: string): Promise<void> {
  const prefix = `${path.basename(dir)}.staging-`;
  for (const entry of await fs.readdir(path.dirname(dir))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (Number.isInteger(pid) && isProcessAlive(pid) && pid !== process.pid) continue;
    await fs.rm(path.join(path.dirname(dir), entry), { recursive: true, force: true });
  }
}

interface LockOwner {
  pid?: number;
  host?: string;
  since: number;
}

/** Runs `work` holding `<dir>.lock`; returns without running it if another process completes the install meanwhile. */
async function withInstallLock(dir: string, log: Log, work: () => Promise<void>): Promise<void> {
  const lock = `${dir}.lock`;
  const waitUntil = Date.now() + LOCK_STALE_AFTER_MS + LOCK_POLL_MS * 5;
  let announced = false;
  while (!(await tryTakeLock(lock))) {
    if (isInstalled(dir)) return;
    const owner = await readLockOwner(lock);
    if (owner && isLockStale(owner)) {
      log(`taking over a stale install lock (pid ${owner.pid ?? 'unknown'}): ${lock}`);
      await breakLock(lock);
      continue;
    }
    if (Date.now() > waitUntil) throw new Error(`gave up waiting for the install lock ${lock}; remove it if no install is running`);
    if (!announced) log(`waiting for another process (pid ${owner?.pid ?? 'unknown'}) to finish installing n8n into ${dir}`);
    announced = true;
    await sleep(LOCK_POLL_MS);
  }
  try {
    await work();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

async function tryTakeLock(lock: string): Promise<boolean> {
  try {
    await fs.mkdir(lock);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
  await fs.writeFile(path.join(lock, 'owner.json'), JSON.stringify(owner));
  return true;
}

/** The lock's owner, or undefined when the lock is gone. */
async function readLockOwner(lock: string): Promise<LockOwner | undefined> {
  const stat = await fs.stat(lock).catch(() => undefined);
  if (!stat) return undefined;
  const owner = asRecord(readJson(path.join(lock, 'owner.json')));
  if (!owner) return { since: stat.mtimeMs };
  return {
    pid: typeof owner.pid === 'number' ? owner.pid : undefined,
    host: typeof owner.host === 'string' ? owner.host : undefined,
    since: typeof owner.since === 'number' ? owner.since : stat.mtimeMs,
  };
}

function isLockStale(owner: LockOwner): boolean {
  const age = Date.now() - owner.since;
  if (owner.pid === undefined) return age > LOCK_OWNERLESS_GRACE_MS;
  if (owner.host === os.hostname() && !isProcessAlive(owner.pid)) return true;
  return age > LOCK_STALE_AFTER_MS;
}

/** Moves the lock aside first, so that of several processes breaking it at once only one succeeds. */
async function breakLock(lock: string): Promise<void> {
  const aside = `${lock}.stale-${randomUUID()}`;
  try {
    await fs.rename(lock, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  await fs.rm(aside, { recursive: true, force: true });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_EXECUTIONS_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 250;
const ACTIVATION_DONE_LINE = 'Editor is now accessible via';

/** n8n settings every instance gets; `options.env` may override them. */
const N8N_TEST_SETTINGS: Record<string, string> = {
  N8N_EXPRESSION_ENGINE: 'legacy', // isolated-vm (the default engine) does not build on Node 20
  N8N_RUNNERS_ENABLED: 'false',
  N8N_SECURE_COOKIE: 'false',
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', // workflows read their secrets with $env.X
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
  N8N_PERSONALIZATION_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_TEMPLATES_ENABLED: 'false',
  DB_SQLITE_POOL_SIZE: '2',
  EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
  EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
};

/** Loaded through NODE_OPTIONS into every n8n process: it exits once the process that started it is gone, even if that one was SIGKILLed. */
const PARENT_WATCHDOG = `const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(1); }, 1000).unref();
`;

/** n8n processes alive, killed (and their folders removed) if this process exits without stopping them. */
const liveInstances = new Map<ChildProcess, string>();
let exitHookInstalled = false;

/**
 * Starts a fresh n8n: a new user folder under the OS temp folder, a free port, the given
 * credentials and workflows imported and every workflow activated. Resolves once `/healthz`
 * answers and every workflow is active; rejects with n8n's own error text if one fails to
 * activate, or if all that takes longer than `timeoutMs`. Installs n8n first if needed.
 */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
  const log = options.log ?? silent;
  const installDir = await ensureInstallFolder(log);
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'balcao-n8n-'));
  const output = new OutputLog(path.join(userFolder, 'n8n.log'));
  let child: ChildProcess | undefined;
  try {
    const port = await findFreePort();
    const env = await prepareUserFolder(userFolder, port, options.env ?? {});
    const n8n = (args: string[]) =>
      runToCompletion(process.execPath, [n8nBinIn(installDir), ...args], { cwd: userFolder, env, output, deadline });
    await importInto(userFolder, options, n8n, log);
    log(`starting n8n on port ${port} (user folder ${userFolder})`);
    child = launchN8n(n8nBinIn(installDir), userFolder, env, output);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilServing({ child, url, output, workflows: options.workflows, deadline });
    log(`n8n is up at ${url} with ${options.workflows.length} active workflow(s)`);
    return runningInstance({ child, url, userFolder, output, installDir, log });
  } catch (error) {
    if (child) await terminate(child);
    await output.close();
    await removeUserFolder(userFolder, log);
    throw error;
  }
}

/** Writes the parent watchdog and returns the environment for every n8n command of this instance. */
async function prepareUserFolder(userFolder: string, port: number, extraEnv: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const watchdog = path.join(userFolder, 'parent-watchdog.cjs');
  await fs.writeFile(watchdog, PARENT_WATCHDOG);
  return {
    ...inheritedEnvironment(),
    ...N8N_TEST_SETTINGS,
    ...extraEnv,
    N8N_USER_FOLDER: userFolder,
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_PORT: String(port),
    NODE_OPTIONS: [`--require ${JSON.stringify(watchdog)}`, extraEnv.NODE_OPTIONS].filter(Boolean).join(' '),
  };
}

/**
 * This process's environment without what would change how n8n runs: n8n, database and queue
 * settings, Node options, and the test runner's variables (NODE_ENV=test silences n8n's logs and changes how its commands exit).
 */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const leaks = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|VITEST|NODE_ENV$|NODE_OPTIONS$|WEBHOOK_URL$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !leaks.test(name)));
}

/** Imports credentials first (workflows refer to them), then workflows, then marks every workflow active. */
async function importInto(
  userFolder: string,
  { credentials = [], workflows }: StartN8nOptions,
  n8n: (args: string[]) => Promise<void>,
  log: Log,
): Promise<void> {
  if (credentials.length > 0) {
    const file = path.join(userFolder, 'credentials.json');
    await fs.writeFile(file, JSON.stringify(credentials, null, 2));
    log(`importing ${credentials.length} credential(s)`);
    await n8n(['import:credentials', `--input=${file}`]);
  }
  if (workflows.length === 0) return;
  log(`importing and activating ${workflows.length} workflow(s)`);
  for (const [index, batch] of importBatches(workflows).entries()) {
    const file = path.join(userFolder, `workflows-${index + 1}.json`);
    await fs.writeFile(file, JSON.stringify(batch, null, 2));
    await n8n(['import:workflow', `--input=${file}`]);
  }
  await n8n(['update:workflow', '--all', '--active=true']);
}

/**
 * Splits the workflows into import batches in which no tag name appears twice. n8n 1.123 looks tags
 * up once per import, so two workflows of one import bringing the same new tag both create it and
 * the second fails on tag_entity's unique name; a later import finds the tag by name.
 */
function importBatches(workflows: N8nWorkflow[]): N8nWorkflow[][] {
  const batches: Array<{ workflows: N8nWorkflow[]; tagNames: Set<string> }> = [];
  for (const workflow of workflows) {
    const names = (workflow.tags ?? []).map((tag) => tag.name);
    let batch = batches.find((candidate) => names.every((name) => !candidate.tagNames.has(name)));
    if (!batch) {
      batch = { workflows: [], tagNames: new Set() };
      batches.push(batch);
    }
    batch.workflows.push(workflow);
    for (const name of names) batch.tagNames.add(name);
  }
  return batches.map((batch) => batch.workflows);
}

function launchN8n(bin: string, userFolder: string, env: NodeJS.ProcessEnv, output: OutputLog): ChildProcess {
  const child = spawn(process.execPath, [bin, 'start'], { cwd: userFolder, env, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeOutput(child, output);
  trackUntilExit(child, userFolder);
  return child;
}

function trackUntilExit(child: ChildProcess, userFolder: string): void {
  liveInstances.set(child, userFolder);
  child.once('exit', () => liveInstances.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killLiveInstances);
}

function killLiveInstances(): void {
  for (const [child, userFolder] of liveInstances) {
    child.kill('SIGKILL');
    if (!keepUserFolders()) rmSync(userFolder, { recursive: true, force: true, maxRetries: 3 });
  }
}

interface ServingCheck {
  child: ChildProcess;
  url: string;
  output: OutputLog;
  workflows: N8nWorkflow[];
  deadline: number;
}

/** Waits for /healthz, then for n8n's line saying activation is over; fails as soon as a workflow fails to activate or n8n exits. */
async function waitUntilServing({ child, url, output, workflows, deadline }: ServingCheck): Promise<void> {
  let healthy = false;
  for (;;) {
    if (hasExited(child)) throw startupError(`n8n exited (${describeExit(child)}) before it was ready`, output);
    const activations = readActivations(output.text());
    const failed = workflows.find((workflow) => activations.failed.has(workflow.id));
    if (failed) {
      throw startupError(`workflow "${failed.name}" (${failed.id}) failed to activate: ${activations.failed.get(failed.id)}`, output);
    }
    healthy = healthy || (await answersHealthz(url));
    if (healthy && output.text().includes(ACTIVATION_DONE_LINE)) {
      const inactive = workflows.filter((workflow) => !activations.activated.has(workflow.id));
      if (inactive.length === 0) return;
      const names = inactive.map((workflow) => `"${workflow.name}" (${workflow.id})`).join(', ');
      throw startupError(`n8n started but did not activate ${names}`, output);
    }
    if (Date.now() > deadline) {
      throw startupError(`n8n was not ready in time (healthz ${healthy ? 'answered' : 'never answered'})`, output);
    }
    await sleep(POLL_MS);
  }
}

async function answersHealthz(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body: unknown = await response.json();
    return response.ok && asRecord(body)?.status === 'ok';
  } catch {
    return false;
  }
}

interface Activations {
  activated: Set<string>;
  /** Workflow id → n8n's error text. */
  failed: Map<string, string>;
}

/**
 * Reads n8n's activation lines: `Activated workflow "<name>" (ID: <id>)`; on a failure at startup,
 * the error text on one line, then `Issue on initial workflow activation try of "<name>" (ID: <id>) (startup)`;
 * on a failed retry, `Activation of workflow "<name>" (<id>) did fail with error: "<text>" | retry in …`.
 */
function readActivations(logText: string): Activations {
  const activations: Activations = { activated: new Set(), failed: new Map() };
  const lines = logText.split('\n').map((line) => line.trim());
  lines.forEach((line, index) => {
    const activated = /^Activated workflow ".*" \(ID: (.+)\)$/.exec(line);
    if (activated?.[1]) activations.activated.add(activated[1]);
    const initialFailure = /^Issue on initial workflow activation try of ".*" \(ID: (.+)\) \(startup\)$/.exec(line);
    if (initialFailure?.[1]) {
      const reason = lines.slice(0, index).findLast((earlier) => earlier.length > 0);
      activations.failed.set(initialFailure[1], reason ?? 'see the log');
    }
    const retryFailure = /^Activation of workflow ".*" \((.+)\) did fail with error: "(.*)" \| retry in/.exec(line);
    if (retryFailure?.[1]) activations.failed.set(retryFailure[1], retryFailure[2] ?? '');
  });
  return activations;
}

function startupError(message: string, output: OutputLog): Error {
  const keep = keepUserFolders() ? '' : ' (KEEP_N8N=1 keeps the user folder and its whole n8n.log)';
  return new Error(`${message}\nLast lines of n8n's output${keep}:\n${output.tail()}`);
}

function runningInstance(parts: {
  child: ChildProcess;
  url: string;
  userFolder: string;
  output: OutputLog;
  installDir: string;
  log: Log;
}): RunningN8n {
  const { child, url, userFolder, output, installDir, log } = parts;
  const database = path.join(userFolder, '.n8n', 'database.sqlite');
  const executions = () => readExecutions(installDir, database);
  let stopping: Promise<void> | undefined;
  return {
    url,
    userFolder,
    webhookUrl: (webhookPath) => `${url}/webhook/${webhookPath.replace(/^\/+/, '')}`,
    log: () => output.text(),
    executions,
    waitForExecutions: (predicate, timeoutMs = DEFAULT_EXECUTIONS_TIMEOUT_MS) => pollExecutions(executions, predicate, timeoutMs),
    stop: () => {
      stopping ??= (async () => {
        await terminate(child);
        await output.close();
        await removeUserFolder(userFolder, log);
      })();
      return stopping;
    },
  };
}

async function pollExecutions(
  executions: () => Promise<N8nExecution[]>,
  predicate: (executions: N8nExecution[]) => boolean,
  timeoutMs: number,
): Promise<N8nExecution[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await executions();
    if (predicate(current)) return current;
    if (Date.now() > deadline) {
      const seen = current.map((execution) => `#${execution.id} ${execution.workflowName}: ${execution.status}`).join('; ') || 'none';
      throw new Error(`the executions did not match within ${timeoutMs} ms; executions so far: ${seen}`);
    }
    await sleep(POLL_MS);
  }
}

/** SIGTERM, then SIGKILL if the process is still there after {@link STOP_GRACE_MS}. */
async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (graceful) return;
  child.kill('SIGKILL');
  await exited;
}

async function removeUserFolder(userFolder: string, log: Log): Promise<void> {
  if (keepUserFolders()) {
    log(`KEEP_N8N=1: kept ${userFolder}`);
    return;
  }
  await fs.rm(userFolder, { recursive: true, force: true, maxRetries: 3 });
}

function keepUserFolders(): boolean {
  return process.env.KEEP_N8N === '1';
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
}

async function findFreePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

// ---------------------------------------------------------------------------------------------
// Reading executions from n8n's SQLite database
// ---------------------------------------------------------------------------------------------

/** The part of the sqlite3 package (n8n's own copy) used here. */
interface Sqlite3Module {
  OPEN_READONLY: number;
  Database: new (file: string, mode: number, callback: (error: Error | null) => void) => SqliteDatabase;
}

interface SqliteDatabase {
  configure(option: 'busyTimeout', milliseconds: number): void;
  all(sql: string, callback: (error: Error | null, rows: unknown[]) => void): void;
  close(callback: (error: Error | null) => void): void;
}

interface FlattedModule {
  parse(text: string): unknown;
}

const EXECUTIONS_QUERY = `
  select e.id, e.workflowId, e.status, e.mode, d.data, d.workflowData
  from execution_entity e left join execution_data d on d.executionId = e.id
  order by e.id`;

/** Reads every execution; n8n keeps writing meanwhile, so the database is opened read-only and per call. */
async function readExecutions(installDir: string, databaseFile: string): Promise<N8nExecution[]> {
  if (!existsSync(databaseFile)) return [];
  const sqlite3 = requireFromN8n<Sqlite3Module>(installDir, 'sqlite3');
  const flatted = requireFromN8n<FlattedModule>(installDir, 'flatted');
  const database = await openReadOnly(sqlite3, databaseFile);
  try {
    const rows = await new Promise<unknown[]>((resolve, reject) =>
      database.all(EXECUTIONS_QUERY, (error, result) => (error ? reject(error) : resolve(result))),
    );
    return rows.map((row) => toExecution(asRecord(row) ?? {}, flatted));
  } finally {
    await new Promise<void>((resolve) => database.close(() => resolve()));
  }
}

function requireFromN8n<T>(installDir: string, name: string): T {
  const fromN8n = createRequire(path.join(installDir, 'node_modules', 'n8n', 'package.json'));
  return fromN8n(name) as T;
}

function openReadOnly(sqlite3: Sqlite3Module, file: string): Promise<SqliteDatabase> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => {
      if (error) return reject(error);
      database.configure('busyTimeout', 5_000);
      resolve(database);
    });
  });
}

/** One row of the query: execution_data.data is in n8n's "flatted" format, workflowData is plain JSON. */
function toExecution(row: Record<string, unknown>, flatted: FlattedModule): N8nExecution {
  const resultData = asRecord(asRecord(decode(row.data, flatted.parse))?.resultData);
  const error = toExecutionError(resultData?.error);
  const lastNode = asText(resultData?.lastNodeExecuted);
  return {
    id: asText(row.id) ?? '',
    workflowId: asText(row.workflowId) ?? '',
    workflowName: asText(asRecord(decode(row.workflowData, JSON.parse))?.name) ?? '',
    status: asText(row.status) ?? '',
    mode: asText(row.mode) ?? '',
    ...(error && { error }),
    ...(lastNode && { lastNode }),
  };
}

function toExecutionError(value: unknown): N8nExecutionError | undefined {
  const error = asRecord(value);
  if (!error) return undefined;
  const description = asText(error.description);
  const node = asText(asRecord(error.node)?.name);
  const httpCode = asText(error.httpCode);
  return {
    message: asText(error.message) ?? '',
    ...(description && { description }),
    ...(node && { node }),
    ...(httpCode && { httpCode }),
  };
}

/** Parses a text column; an execution still being written may hold none yet. */
function decode(value: unknown, parse: (text: string) => unknown): unknown {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  try {
    return parse(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes and their output
// ---------------------------------------------------------------------------------------------

/** A child's output: appended to a file, and kept in memory for error messages and {@link RunningN8n.log}. */
class OutputLog {
  private buffer = '';
  private readonly file: WriteStream;

  constructor(
    readonly path: string,
    { append = true }: { append?: boolean } = {},
  ) {
    this.file = createWriteStream(path, { flags: append ? 'a' : 'w' });
  }

  write(chunk: string): void {
    this.buffer += chunk;
    if (!this.file.closed && !this.file.writableEnded) this.file.write(chunk);
  }

  text(): string {
    return this.buffer;
  }

  tail(lines = 40): string {
    return this.buffer.trimEnd().split('\n').slice(-lines).join('\n');
  }

  close(): Promise<void> {
    if (this.file.writableEnded) return Promise.resolve();
    return new Promise((resolve) => this.file.end(() => resolve()));
  }
}

function pipeOutput(child: ChildProcess, output: OutputLog): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => output.write(chunk));
  }
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  output: OutputLog;
  /** Epoch ms after which the command is killed. */
  deadline?: number;
}

/** Runs a command to its end, its output going to `output`; rejects with the tail of that output unless it exits 0. */
function runToCompletion(command: string, args: string[], { cwd, env, output, deadline }: RunOptions): Promise<void> {
  const shown = [path.basename(command), ...args].join(' ');
  output.write(`\n$ ${shown}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    pipeOutput(child, output);
    const timer = deadline === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run \`${shown}\`: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal === 'SIGKILL' && deadline !== undefined && Date.now() >= deadline ? 'timed out' : `exited with ${signal ?? code}`;
      reject(new Error(`\`${shown}\` ${how} (full output in ${output.path}). Last lines:\n${output.tail()}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): unknown {
  return asRecord(error)?.code;
}
