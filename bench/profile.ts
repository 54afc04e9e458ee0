/**
 * Summarize a V8 CPU profile (`npm run bench -- hello --cpu-prof` writes them to
 * bench/results/profiles/): where the time went, by function, self time first.
 *
 * Usage: npx tsx bench/profile.ts FILE.cpuprofile [--top N] [--filter TEXT]
 * `--filter lib/` keeps only Loom's own functions, the ones a change in lib/ can speed up.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
  /** `name (file:line)`. */
  readonly name: string;
  /** Milliseconds spent in the function itself. */
  readonly selfMs: number;
  /** Milliseconds spent in it and everything it called (each sample counted once per function). */
  readonly totalMs: number;
}

/** Self and total time per function, largest self time first. */
export function functionTimes(profile: Profile): FunctionTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let at: number | undefined = id, first = true; at !== undefined; at = parent.get(at), first = false) {
      const name = frameName(byId.get(at)!);
      if (first) self.set(name, (self.get(name) ?? 0) + ms);
      if (!seen.has(name)) total.set(name, (total.get(name) ?? 0) + ms);
      seen.add(name);
    }
  });
  return [...total.entries()]
    .map(([name, totalMs]) => ({ name, selfMs: self.get(name) ?? 0, totalMs }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(lib|node_modules|bench)\//, '$1/');
  return `${functionName === '' ? '(anonymous)' : functionName}${file === '' ? '' : ` (${file}:${lineNumber + 1})`}`;
}

function main(argv: string[]): void {
  const file = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--top' && argv[argv.indexOf(a) - 1] !== '--filter');
  if (file === undefined) {
    console.error('Usage: npx tsx bench/profile.ts FILE.cpuprofile [--top N] [--filter TEXT]');
    process.exit(2);
  }
  const top = Number(argv[argv.indexOf('--top') + 1] ?? 30) || 30;
  const filter = argv.includes('--filter') ? argv[argv.indexOf('--filter') + 1] ?? '' : '';
  const times = functionTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const all = times.reduce((sum, t) => sum + t.selfMs, 0);
  const busy = all - (times.find((t) => t.name === '(idle)')?.selfMs ?? 0);
  const kept = times.filter((t) => t.name.includes(filter));
  const keptSelf = kept.reduce((sum, t) => sum + t.selfMs, 0);
  console.log(`${all.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy (not idle)` +
    (filter === '' ? '' : `; functions matching "${filter}": ${keptSelf.toFixed(0)} ms self, ${(100 * keptSelf / busy).toFixed(1)} % of busy`));
  console.log('  self ms  self %  total %  function');
  for (const t of kept.slice(0, top)) {
    console.log(`${t.selfMs.toFixed(1).padStart(9)} ${(100 * t.selfMs / all).toFixed(1).padStart(6)}% ${(100 * t.totalMs / all).toFixed(1).padStart(7)}%  ${t.name}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
