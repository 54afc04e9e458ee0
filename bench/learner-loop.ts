/**
 * The learner's loop, timed: how long `npm run grade 02` takes to give its verdict, and
 * how long `npm run lesson 02` takes to print `Listening on`. Both run the commands as
 * npm does (`node --import tsx tools/…`), without npm's own start-up, which is the same
 * for every script. Grading runs on a copy of exercise 02 under `scratch/` (with the
 * reference solution, so the verdict is a pass, and links to lib/ and tools/), so the learner's progress file is not
 * touched. Targets (issue 14): a verdict under 3 s, a lesson listening under 1 s, on the
 * 2-core machine. `npm run bench` prints these after the server table.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** One timed command. */
export interface LoopTiming {
  readonly what: string;
  /** The median of the runs, in seconds. */
  readonly seconds: number;
  readonly target: number;
  readonly runs: readonly number[];
}

/** Time both commands `runs` times each. */
export async function measureLearnerLoop(runs = 3): Promise<LoopTiming[]> {
  const workbook = copyOfExercise('02');
  try {
    const grade: number[] = [];
    const lesson: number[] = [];
    for (let i = 0; i < runs; i++) {
      grade.push(await timeUntil(['tools/grade.ts', '02'], { LOOM_ROOT: workbook }, undefined));
      lesson.push(await timeUntil(['tools/lesson.ts', '02'], { PORT: '0' }, /Listening on http:/));
    }
    return [
      { what: 'npm run grade 02, to the verdict', seconds: median(grade), target: 3, runs: grade },
      { what: 'npm run lesson 02, to "Listening on"', seconds: median(lesson), target: 1, runs: lesson },
    ];
  } finally {
    rmSync(workbook, { recursive: true, force: true });
  }
}

/** The timings as a Markdown table. */
export function renderLearnerLoop(timings: readonly LoopTiming[]): string {
  const rows = timings.map((t) => `| ${t.what} | ${t.seconds.toFixed(2)} s | < ${t.target} s | ${t.seconds < t.target ? 'met' : 'missed'} | ${t.runs.map((r) => r.toFixed(2)).join(', ')} |`);
  return ['## The learner loop', '', '| command | median | target | | runs (s) |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

/** A workbook under scratch/ holding exercise NN with its reference solution as the learner's file. */
function copyOfExercise(number: string): string {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  const root = mkdtempSync(join(ROOT, 'scratch', 'loop-'));
  const name = readdirSync(join(ROOT, 'exercises')).find((n) => n.startsWith(`${number}-`))!;
  cpSync(join(ROOT, 'exercises', name), join(root, 'exercises', name), { recursive: true });
  cpSync(join(ROOT, 'solutions', name), join(root, 'solutions', name), { recursive: true });
  cpSync(join(ROOT, 'solutions', name), join(root, 'exercises', name), { recursive: true });
  // The exercise imports ../../lib and ../../tools, as it does in the real workbook.
  for (const shared of ['lib', 'tools', 'node_modules', 'tsconfig.json']) symlinkSync(join(ROOT, shared), join(root, shared));
  return root;
}

/** Seconds from spawn to exit, or to the first stdout line matching `ready` (then the command is stopped). */
function timeUntil(args: readonly string[], env: Record<string, string>, ready: RegExp | undefined): Promise<number> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let seconds: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready !== undefined && seconds === undefined && ready.test(out)) {
        seconds = elapsed();
        child.kill('SIGINT');
      }
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (ready === undefined && code !== 0) fail(new Error(`${args.join(' ')} exited with ${code}:\n${out}`));
      else if (ready !== undefined && seconds === undefined) fail(new Error(`${args.join(' ')} never printed ${ready}:\n${out}`));
      else done(seconds ?? elapsed());
    });
  });
}

// `tsx bench/learner-loop.ts` prints the table alone.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  console.log(renderLearnerLoop(await measureLearnerLoop()));
}
