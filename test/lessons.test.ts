/**
 * Every lesson's example runs and answers what it suggests trying, over real HTTP; and
 * the lesson runner (tools/lesson.ts) does what `npm run lesson` promises: the Listening
 * line, the suggestions, a trace, a clean stop, and plain messages when it cannot run.
 * The fixture lesson (test/fixtures/workbook) is always among them, so this file tests
 * something even before any real lesson exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Site } from '../lib/site.ts';
import { memoryLogger } from '../lib/testing.ts';
import type { LessonExample, Try } from '../lessons/lesson.ts';
import { ROOT } from '../tools/grading/subject.ts';
import { listLessons, type Lesson } from '../tools/workbook/catalog.ts';
import { parseFrontMatter } from '../tools/workbook/front-matter.ts';
import { makeWorkbook } from './tools/fixture-workbook.ts';
import { HurryingClock } from './lessons/support/clocks.ts';
import { send } from './lessons/support/run-example.ts';
import { runTool, toolEnv } from './tools/run-tool.ts';
import { requires } from './support/programs.ts';

const FIXTURE_ROOT = join(ROOT, 'test', 'fixtures', 'workbook');
const realLessons = listLessons(ROOT);
const fixtureLesson = listLessons(FIXTURE_ROOT)[0]!;

describe.each([...realLessons, fixtureLesson].map((lesson) => [lesson.name, lesson] as const))('lesson %s', (_name, lesson) => {
  it('has a title and a summary in its README front matter', () => {
    const readme = join(lesson.dir, 'README.md');
    const { data } = parseFrontMatter(existsSync(readme) ? readFileSync(readme, 'utf8') : '');
    expect(data.get('title') ?? '', `${lesson.name}/README.md needs "title:" in its front matter`).not.toBe('');
    expect(data.get('summary') ?? '', `${lesson.name}/README.md needs "summary:" in its front matter`).not.toBe('');
  });

  it('answers every request it suggests trying, as promised', async (context) => {
    const example = (await import(pathToFileURL(lesson.examplePath).href)) as LessonExample;
    // An example that runs outside programs (lesson 31: nginx, redis-server) needs them here.
    const missing = (example.needs ?? []).map((need) => requires(need.program, { install: need.install })).filter((r) => r.path === null);
    if (missing.length > 0 && process.env.CI === 'true') throw new Error(`${missing.map((r) => r.reason).join('; ')}; CI must run this lesson.`);
    if (missing.length > 0) return context.skip(missing.map((r) => r.reason).join('; '));
    expect(typeof example.createSite).toBe('function');
    expect(example.tryThis.length).toBeGreaterThan(0);
    // A clock on which time flies: lessons 10–13 promise answers "after 2 s", which
    // should not cost the suite real seconds.
    const site: Site = await example.createSite({ logger: memoryLogger(), clock: new HurryingClock(Date.now() / 1000) });
    try {
      const { url } = await site.listen('tcp:0:interface=127.0.0.1');
      for (const t of example.tryThis) await checkTry(url, t);
    } finally {
      await site.close();
    }
  }, 60_000); // examples start worker threads and child processes; allow for a loaded machine
});

describe.each(realLessons.map((lesson) => [lesson.name, lesson] as const))('lesson %s, what it suggests trying', (_name, lesson) => {
  it('says which status each suggested request gets, so the check above is exact', async () => {
    const example = (await import(pathToFileURL(lesson.examplePath).href)) as LessonExample;
    for (const t of example.tryThis) expect(t.expect?.code, `${t.method ?? 'GET'} ${t.path} (${t.note})`).toBeDefined();
  });
});

describe('lessons/README.md', () => {
  it('lists every lesson folder in its index, by number and folder name', () => {
    const index = readFileSync(join(ROOT, 'lessons', 'README.md'), 'utf8');
    const missing = realLessons.filter((l) => !index.includes(`| ${l.number} | [${l.slug}](${l.name}/) |`)).map((l) => l.name);
    expect(missing, 'lessons missing from the index in lessons/README.md').toEqual([]);
  });
});

/** Send `t` as curl would and check what the lesson says comes back (or at least not a 5xx). */
async function checkTry(baseUrl: string, t: Try): Promise<void> {
  const what = `${t.method ?? 'GET'} ${t.path} (${t.note})`;
  const { status, text } = await send(t, baseUrl);
  if (t.expect?.code !== undefined) expect(status, `${what}: status`).toBe(t.expect.code);
  else expect(status, `${what}: a server error`).toBeLessThan(500);
  if (t.expect?.bodyIncludes !== undefined) expect(text, `${what}: body`).toContain(t.expect.bodyIncludes);
}

// Each test starts the runner as a child process: allow for a loaded machine.
describe('npm run lesson (tools/lesson.ts)', { timeout: 60_000 }, () => {
  const running: ChildProcess[] = [];
  afterAll(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /** Start the runner for lesson `number`; resolve once it has printed its Listening line. */
  async function startLesson(number: string, options: { root: string; args?: string[]; env?: Record<string, string> }) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'lesson.ts'), number, ...(options.args ?? [])], {
      cwd: ROOT, env: toolEnv(options.root, { PORT: '0', ...options.env }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = (pattern: RegExp) => new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.stdout.match(pattern);
        if (match === null) return false;
        resolve(match);
        return true;
      };
      if (check()) return;
      const onData = () => check() && child.stdout.off('data', onData);
      child.stdout.on('data', onData);
      void exited.then((code) => reject(new Error(`the runner exited (${code}) before printing ${pattern}:\n${output.stdout}\n${output.stderr}`)));
    });
    const [, url] = await waitFor(/^Listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m);
    return { child, url: url!, output, waitFor, exited };
  }

  it('runs a lesson: prints the Listening line and curl commands, traces requests, and exits 0 on SIGTERM', async () => {
    const lesson = await startLesson('99', { root: FIXTURE_ROOT, args: ['--trace'] });
    await lesson.waitFor(/Ctrl-C stops the server/);
    expect(lesson.output.stdout).toContain(`curl -i --data-urlencode 'name=<Ada>' ${lesson.url}echo`);
    expect(lesson.output.stdout).toContain(`open ${lesson.url} in a browser`);
    const response = await fetch(`${lesson.url}echo`, { method: 'POST', body: new URLSearchParams({ name: 'Ada' }) });
    expect(await response.text()).toBe('You sent Ada.');
    await lesson.waitFor(/render: Echo\.render_POST\(\)\n {2}200 13 bytes/);
    expect(lesson.output.stdout).toContain('"echo" Hello → Echo (putChild)  prepath=["echo"] postpath=[]');
    lesson.child.kill('SIGTERM');
    expect(await lesson.exited).toBe(0);
  });

  it.each(realLessons.slice(0, 1).map((l) => [l.name, l] as const))('runs real lesson %s and exits 0 on Ctrl-C (SIGINT)', async (_name, real: Lesson) => {
    const lesson = await startLesson(real.number, { root: ROOT });
    const response = await fetch(lesson.url, { redirect: 'manual' });
    expect(response.status).toBeLessThan(500);
    lesson.child.kill('SIGINT');
    expect(await lesson.exited).toBe(0);
  });

  it('answers an unknown lesson number with the lessons that exist, and a non-zero exit', async () => {
    const run = await runTool('lesson.ts', ['98'], { root: FIXTURE_ROOT });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('There is no lesson 98. The lessons are: 99 fixture.');
  });

  it('says which programs a lesson runs that are missing, and how to install them, before starting it', async () => {
    const workbook = makeWorkbook();
    try {
      workbook.write('lessons/01-needy/README.md', '---\ntitle: Needy\nsummary: runs a program\n---\n');
      workbook.write('lessons/01-needy/example.ts', "export const needs = [{ program: 'loom-no-such-program', install: 'apt-get install loom-no-such-program' }];\n" +
        "export const tryThis = [];\nexport function createSite() { throw new Error('started anyway'); }\n");
      const run = await runTool('lesson.ts', ['01'], { root: workbook.root });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Lesson 01 runs loom-no-such-program, which is not installed.\n  loom-no-such-program: apt-get install loom-no-such-program');
      expect(run.stderr).not.toContain('started anyway');
    } finally {
      workbook.remove();
    }
  });

  it('reports a busy port with its message, not a stack', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((blocker.address() as { port: number }).port);
      const run = await runTool('lesson.ts', ['99'], { root: FIXTURE_ROOT, env: { PORT: port } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Cannot listen on port ${port} on 127.0.0.1: it is already in use.`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('lists the lessons with their titles, marking those whose exercise passes', async () => {
    const workbook = makeWorkbook();
    try {
      workbook.write('lessons/01-first/README.md', '---\ntitle: The first\nsummary: one thing\n---\n');
      workbook.write('lessons/02-second/README.md', '---\ntitle: The second\nsummary: another\n---\n');
      workbook.write('exercises/01-first/x.ts', '');
      workbook.write('exercises/02-second/x.ts', '');
      workbook.write('.loom-progress.md', '| 01-first | passed | 3/3 | 0 | |\n| 02-second | failing | 1/3 | 0 | |\n');
      const run = await runTool('lesson.ts', [], { root: workbook.root });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^✓ +01 +The first +one thing$/m);
      expect(run.stdout).toMatch(/^ +02 +The second +another$/m);
    } finally {
      workbook.remove();
    }
  });
});
