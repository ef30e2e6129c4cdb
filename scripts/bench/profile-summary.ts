import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const HELP = `Usage: npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top 30]

Where a CPU profile's time went: self time by function and by package or source file, as a share of
the busy (non-idle) time. Profiles come from the benches' --profile flags or from node --cpu-prof.`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true });
if (values.help || positionals.length !== 1) {
  console.log(HELP);
  process.exit(values.help ? 0 : 2);
}
const top = Number(values.top ?? 30);
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

const IDLE = new Set(['(idle)', '(program)']);
const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\//, '$1/').replace(/^file:\/\/.*?\/(src|scripts)\//, '$1/');
const packageOf = (url: string) => {
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return shortUrl(url) || '(native)';
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let busy = 0;
let idle = 0;
profile.samples.forEach((id, index) => {
  const node = nodes.get(id)!;
  const micros = profile.timeDeltas[index] ?? 0;
  const name = node.callFrame.functionName || '(anonymous)';
  if (IDLE.has(name)) {
    idle += micros;
    return;
  }
  busy += micros;
  const where = node.callFrame.url ? `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : '';
  byFunction.set(`${name} ${where}`, (byFunction.get(`${name} ${where}`) ?? 0) + micros);
  const pkg = node.callFrame.url ? packageOf(node.callFrame.url) : name;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
});

const print = (title: string, totals: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((micros / busy) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`);
};
console.log(`busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`);
print('self time by function', byFunction);
print('self time by package or file', byPackage);
