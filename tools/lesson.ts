/**
 * `npm run lesson`: lists the lessons. `npm run lesson NN [-- --trace]`: runs lesson
 * NN's example server.
 *
 * The example (`lessons/NN-slug/example.ts`, the `LessonExample` of lessons/lesson.ts)
 * builds a Site; this runner makes it listen on 127.0.0.1, on port 8000 + NN unless
 * `PORT` says otherwise, prints `Listening on http://127.0.0.1:PORT/` and the requests
 * the lesson suggests, and closes the Site on Ctrl-C. With `--trace`, every request's
 * walk through the resource tree is printed as it finishes (lib/trace.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Site, SiteOptions } from '../lib/site.ts';
import type { EventTracer } from '../lib/trace.ts';
import { curlFor, type LessonExample, type Try } from '../lessons/lesson.ts';
import { runCommand, type CommandLine } from './workbook/args.ts';
import { findItem, listExercises, listLessons, type Lesson } from './workbook/catalog.ts';
import { UsageError, workbookRoot } from './workbook/cli.ts';
import { palette, wantsColor } from './workbook/colors.ts';
import { missingLessonMessage } from './workbook/plan.ts';
import { loadProgress, progressOf } from './workbook/progress.ts';
import { onStop } from './workbook/stopping.ts';
import { formatTable, wrapText } from './workbook/table.ts';

const COMMAND_LINE: CommandLine<'trace'> = {
  command: 'npm run lesson',
  synopsis: '[NN] [-- --trace]',
  description: 'Lists the lessons; with NN, runs lesson NN\'s example server on 127.0.0.1, port 8000 + NN\n(PORT=… picks another).',
  flags: { trace: { short: 't', help: 'Print how each request walks the resource tree.', fromNpm: true } },
  maxArguments: 1,
};

/** How wide the lesson list may be, in columns: it fits a 100-column terminal. */
const LIST_WIDTH = 100;

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const lessons = listLessons(root);
  if (args.length === 0) {
    console.log(formatLessonList(root, lessons));
    return 0;
  }
  const lesson = findItem(lessons, args[0]!);
  if (lesson === undefined) {
    throw new UsageError(missingLessonMessage(root, args[0]!));
  }
  await runLesson(lesson, flags.trace);
});

/** The lesson list, with a ✓ beside lessons whose exercise passes. */
function formatLessonList(root: string, lessons: readonly Lesson[]): string {
  if (lessons.length === 0) return 'There are no lessons yet.';
  const paint = palette(wantsColor(process.stdout));
  const progress = loadProgress(root);
  const exercises = listExercises(root);
  // The summary column takes what is left of LIST_WIDTH, wrapped onto lines of its own.
  const titleWidth = Math.max(...lessons.map((l) => l.title.length), 'lesson'.length);
  const summaryWidth = Math.max(30, LIST_WIDTH - (1 + 2 + 2 + 2 + titleWidth + 2));
  const rows = lessons.flatMap((lesson) => {
    const exercise = exercises.find((e) => e.number === lesson.number);
    const done = exercise !== undefined && progressOf(progress, exercise.name).status === 'passed';
    const [first = '', ...more] = wrapText(lesson.summary, summaryWidth);
    return [[done ? paint.green('✓') : ' ', lesson.number, lesson.title, paint.dim(first)], ...more.map((line) => ['', '', '', paint.dim(line)])];
  });
  return [
    formatTable(['', '#', 'lesson', 'what it teaches'], rows),
    '',
    'Run one: npm run lesson NN (add -- --trace to see each request walk the resource tree).',
    '✓ marks a lesson whose exercise passes (npm run grade NN).',
  ].join('\n');
}

async function runLesson(lesson: Lesson, trace: boolean): Promise<void> {
  const port = portFor(lesson);
  const example = await loadExample(lesson);
  const missing = (example.needs ?? []).filter((need) => which(need.program) === null);
  if (missing.length > 0) {
    throw new UsageError(`Lesson ${lesson.number} runs ${missing.map((n) => n.program).join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed.\n` +
      missing.map((n) => `  ${n.program}: ${n.install}`).join('\n'));
  }
  const options: SiteOptions = trace ? { tracer: await printingTracer() } : {};
  const site = await example.createSite(options);
  let url: string;
  try {
    url = (await site.listen(`tcp:${port}:interface=127.0.0.1`)).url;
  } catch (error) {
    await site.close();
    throw error;
  }
  stopOnSignals(site);
  console.log(`Listening on ${url}`);
  console.log(formatTries(example.tryThis, url, lesson, trace));
}

/** Where `program` is, on the PATH or in /usr/sbin (where Debian puts nginx); null when missing. */
function which(program: string): string | null {
  const found = spawnSync('sh', ['-c', 'command -v "$0"', program], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  return existsSync(`/usr/sbin/${program}`) ? `/usr/sbin/${program}` : null;
}

/** `PORT` if set (0 picks any free port), else 8000 + the lesson number. */
function portFor(lesson: Lesson): number {
  const given = process.env.PORT;
  if (given === undefined || given === '') return 8000 + Number(lesson.number);
  if (!/^\d+$/.test(given) || Number(given) > 65535) throw new UsageError(`PORT must be a port number from 0 to 65535, not "${given}".`);
  return Number(given);
}

async function loadExample(lesson: Lesson): Promise<LessonExample> {
  if (!existsSync(lesson.examplePath)) throw new UsageError(`Lesson ${lesson.number} has no example.ts yet.`);
  const module = (await import(pathToFileURL(lesson.examplePath).href)) as Partial<LessonExample>;
  if (typeof module.createSite !== 'function' || !Array.isArray(module.tryThis)) {
    throw new UsageError(`lessons/${lesson.name}/example.ts must export createSite(options) and tryThis (see lessons/lesson.ts).`);
  }
  return module as LessonExample;
}

/** A tracer that prints each request's walk when the request ends. */
async function printingTracer(): Promise<EventTracer> {
  const { EventTracer, formatTrace } = await import('../lib/trace.ts'); // only --trace needs it
  const color = wantsColor(process.stdout);
  return new EventTracer((events) => process.stdout.write(`\n${formatTrace(events, { color })}\n`));
}

/** What to try: each suggestion's note, then its curl command (or the URL, for a browser). */
function formatTries(tries: readonly Try[], url: string, lesson: Lesson, trace: boolean): string {
  const paint = palette(wantsColor(process.stdout));
  const lines = tries.length === 0 ? [] : ['', 'Try:'];
  for (const t of tries) {
    lines.push(paint.dim(`  # ${t.note}`));
    lines.push(t.browser === true ? `  open ${url.replace(/\/$/, '')}${t.path} in a browser` : `  ${curlFor(t, url)}`);
  }
  lines.push('', trace ? 'Each request is traced below as it finishes. Ctrl-C stops the server.'
    : `Ctrl-C stops the server. To watch each request walk the resource tree: npm run lesson ${lesson.number} -- --trace`);
  return lines.join('\n');
}

/**
 * Close the Site on Ctrl-C (SIGINT), SIGTERM or SIGHUP, or when the npm that started
 * this runner is gone (see stopping.ts), then exit 0: stopping is the normal end of a
 * lesson server, not a failure. Closing frees the port at once and lets requests in
 * flight finish; a second Ctrl-C stops at once.
 */
function stopOnSignals(site: Site): void {
  let stopping = false;
  onStop(() => {
    if (stopping) process.exit(0);
    stopping = true;
    site.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
}
