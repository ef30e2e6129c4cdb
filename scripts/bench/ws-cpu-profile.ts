import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { printTable, round } from './support';

const HELP = `Usage: npx tsx scripts/bench/ws-cpu-profile.ts <file.cpuprofile | directory> [--top 30]

Summarises V8 CPU profiles (node --cpu-prof, e.g. BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof-ws"
npm run bench:ws): self time by package or source file, then by function. A directory means every
profile in it, each summarised on its own (the largest first; tsx's loader thread writes a small
second profile per process).`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package> (scoped too), a path under the project, or V8's own names ((garbage collector), (program)…). */
function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = file.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? file);
  }
  if (file.startsWith('node:')) return file;
  return path.relative(process.cwd(), file);
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, us]) => sum + us, 0);
  const busyUs = totalUs - idleUs;

  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const place = placeOf(url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rows = (totals: Map<string, number>, label: string) =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ [label]: name, 'self ms': round(us / 1000, 0), '% of busy': round((us / busyUs) * 100, 1) }));

  console.log(
    `\n${path.basename(file)}: ${round(totalUs / 1e6, 1)} s profiled, ${round(busyUs / 1e6, 1)} s busy (${round((busyUs / totalUs) * 100, 0)} %)`,
  );
  printTable(rows(byPlace, 'package or file'));
  console.log('');
  printTable(rows(byFunction, 'function'));
}

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  console.log(HELP);
  process.exit(args.length === 0 ? 2 : 0);
}
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
if (!Number.isInteger(top) || top <= 0) {
  console.error(`--top must be a positive integer\n\n${HELP}`);
  process.exit(2);
}
const target = args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--top');
if (!target) {
  console.error(HELP);
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => path.join(target, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)
  : [target];
if (files.length === 0) {
  console.error(`no .cpuprofile in ${target}`);
  process.exit(1);
}
for (const file of files) summarise(file, top);
