/**
 * `loom web --workers N`: the Supervisor's decisions, driven with fake workers on a fake
 * clock (no process, no waiting), then the real program with two cluster workers.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FIRST_BACKOFF, MAX_BACKOFF, STABLE_AFTER, STOP_GRACE, Supervisor, relayLines, type WorkerEvents } from '../../lib/app/workers.ts';
import { isLoomError } from '../../lib/errors.ts';
import { FakeClock } from '../../lib/testing.ts';
import { ROOT, startLoom } from '../support/loom-program.ts';

/** A worker the test plays: it is ready, or exits, when the test says. */
interface FakeWorker {
  readonly pid: number;
  readonly events: WorkerEvents;
  readonly signals: string[];
}

function fakeCluster(count: number) {
  const clock = new FakeClock();
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  let nextPid = 100;
  const supervisor = new Supervisor({
    count, clock, log: (line) => log.push(line),
    fork: (events) => {
      const worker: FakeWorker = { pid: nextPid++, events, signals: [] };
      workers.push(worker);
      return { pid: worker.pid, kill: (signal) => void worker.signals.push(signal) };
    },
  });
  return { clock, workers, log, supervisor };
}

describe('Supervisor', () => {
  it('starts every worker and resolves with their address once all are ready', async () => {
    const { workers, supervisor } = fakeCluster(2);
    const started = supervisor.start();
    expect(workers).toHaveLength(2);
    workers[0]!.events.ready(['http://127.0.0.1:8080/']);
    let done = false;
    void started.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    workers[1]!.events.ready(['http://127.0.0.1:8080/']);
    expect(await started).toEqual(['http://127.0.0.1:8080/']);
    expect(supervisor.pids).toEqual([100, 101]);
  });

  it('fails the start when a worker exits before all are ready, stopping the others', async () => {
    const { workers, supervisor } = fakeCluster(2);
    const started = supervisor.start();
    workers[0]!.events.ready(['u']);
    workers[1]!.events.exit(1, null);
    expect(workers[0]!.signals).toEqual(['SIGTERM']);
    workers[0]!.events.exit(0, null);
    await expect(started).rejects.toSatisfy((e) => isLoomError(e, 'LOOM_ERR_LISTEN_FAILED') && /pid 101\) exited with code 1 while the server was starting/.test((e as Error).message));
    expect(workers).toHaveLength(2);
  });

  it('replaces at once a worker that dies after serving a while', async () => {
    const { clock, workers, log, supervisor } = fakeCluster(2);
    const started = supervisor.start();
    for (const w of workers) w.events.ready(['u']);
    await started;
    clock.advance(STABLE_AFTER + 1);
    workers[0]!.events.exit(null, 'SIGKILL');
    expect(workers).toHaveLength(3);
    expect(log).toEqual(['worker 100 exited with signal SIGKILL; starting another.']);
    workers[2]!.events.ready(['u']);
    expect(log.at(-1)).toBe('worker 102 is serving.');
    expect(supervisor.running).toBe(2);
  });

  it('backs off from a worker that dies while starting: 0.5 s, 1 s, 2 s, … up to 30 s, and starts over once one lives', async () => {
    const { clock, workers, log, supervisor } = fakeCluster(1);
    const started = supervisor.start();
    workers[0]!.events.ready(['u']);
    await started;
    const pauses: number[] = [];
    for (let death = 0; death < 8; death++) {
      workers.at(-1)!.events.exit(1, null);
      const before = workers.length;
      const pause = clock.getDelayedCalls()[0]!.getTime() - clock.seconds();
      pauses.push(pause);
      clock.advance(pause / 2); // halves of these pauses add up exactly in floating point
      expect(workers.length, 'no fork before the pause is over').toBe(before);
      clock.advance(pause / 2);
      expect(workers.length).toBe(before + 1);
    }
    expect(pauses).toEqual([0.5, 1, 2, 4, 8, 16, 30, 30]);
    expect(FIRST_BACKOFF).toBe(0.5);
    expect(MAX_BACKOFF).toBe(30);
    expect(log[0]).toBe('worker 100 exited with code 1 soon after starting; starting another in 0.5 s.');
    expect(log[1]).toBe('worker 101 exited with code 1 while starting; starting another in 1 s.');
    // One that serves long enough resets the pause.
    workers.at(-1)!.events.ready(['u']);
    clock.advance(STABLE_AFTER);
    workers.at(-1)!.events.exit(1, null);
    expect(clock.getDelayedCalls()).toHaveLength(0);
    workers.at(-1)!.events.ready(['u']);
    workers.at(-1)!.events.exit(1, null);
    expect(clock.getDelayedCalls()[0]!.getTime() - clock.seconds()).toBe(0.5);
  });

  it('stops by SIGTERM to every worker, replaces none, and kills those still there after the grace', async () => {
    const { clock, workers, supervisor } = fakeCluster(3);
    const started = supervisor.start();
    for (const w of workers) w.events.ready(['u']);
    await started;
    let stopped = false;
    const stopping = supervisor.stop().then(() => (stopped = true));
    expect(supervisor.stop()).toBe(supervisor.stop()); // a second signal waits for the same end
    expect(workers.map((w) => w.signals)).toEqual([['SIGTERM'], ['SIGTERM'], ['SIGTERM']]);
    workers[0]!.events.exit(0, null);
    workers[1]!.events.exit(0, null);
    expect(workers).toHaveLength(3);
    clock.advance(STOP_GRACE);
    expect(workers[2]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    await Promise.resolve();
    expect(stopped).toBe(false);
    workers[2]!.events.exit(null, 'SIGKILL');
    await stopping;
    expect(stopped).toBe(true);
  });

  it('forks no worker that was waiting out its pause when stopped', async () => {
    const { clock, workers, supervisor } = fakeCluster(1);
    const started = supervisor.start();
    workers[0]!.events.ready(['u']);
    await started;
    workers[0]!.events.exit(1, null);
    await supervisor.stop();
    clock.advance(MAX_BACKOFF);
    expect(workers).toHaveLength(1);
  });
});

describe('relayLines', () => {
  it('writes whole lines only, so two sources relayed to one stream never interleave inside a line', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => void (text += d.toString()));
    const a = new PassThrough();
    const b = new PassThrough();
    relayLines(a, out);
    relayLines(b, out);
    a.write('aaaa');
    b.write('bb\nbbb');
    a.write('aa\na');
    b.write('b\n');
    a.end('a');
    b.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text.split('\n')).toEqual(['bb', 'aaaaaa', 'bbbb', 'aa', '']);
  });
});

describe('loom web --workers 2, the real program', { timeout: 60_000 }, () => {
  const PID_SITE = join(ROOT, 'test', 'fixtures', 'pid-site.ts');
  const logDir = mkdtempSync(join(tmpdir(), 'loom-workers-'));
  afterAll(() => rmSync(logDir, { recursive: true, force: true }));

  /** GET on a new connection each time, so the cluster hands each to the next worker. */
  function get(url: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      httpRequest(url, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      }).on('error', reject).end();
    });
  }

  async function pidsAnswering(url: string, until: (pids: Set<string>) => boolean): Promise<Set<string>> {
    const pids = new Set<string>();
    for (let i = 0; i < 200 && !until(pids); i++) pids.add((await get(url)).text);
    return pids;
  }

  it('answers from both workers, replaces one that is killed, and drains both on SIGTERM', async () => {
    const loom = await startLoom(['web', '--workers', '2', '--class', PID_SITE, '--listen', 'tcp:0:interface=127.0.0.1']);
    const url = loom.urls[0]!;
    expect(loom.urls).toHaveLength(1); // printed once, for both workers
    const [, pidList] = await loom.waitFor(/2 workers \(pids (\d+, \d+)\)/, 'stderr');
    const workers = pidList!.split(', ');
    expect(await pidsAnswering(url, (p) => p.size === 2)).toEqual(new Set(workers));

    // Kill one: the primary starts another, which then answers in its place.
    process.kill(Number(workers[0]), 'SIGKILL');
    const [, replacement] = await loom.waitFor(/worker (\d+) is serving\./, 'stderr');
    expect(loom.stderr()).toContain(`worker ${workers[0]} exited with signal SIGKILL`);
    const now = await pidsAnswering(url, (p) => p.has(replacement!) && p.has(workers[1]!));
    expect(now.has(workers[0]!)).toBe(false);

    // A request held in each worker, then SIGTERM: both are answered before the program ends.
    const held = [get(`${url}hold`), get(`${url}hold`), get(`${url}hold`), get(`${url}hold`)];
    await loom.waitForLines(/^holding a request in \d+$/, 4, 'stderr');
    const holders = new Set([...loom.stderr().matchAll(/holding a request in (\d+)/g)].map((m) => m[1]));
    expect(holders).toEqual(new Set([replacement, workers[1]]));
    expect(await loom.stop('SIGTERM')).toBe(0);
    const answers = await Promise.all(held);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.text.replace('drained by ', '')))).toEqual(holders);
  });

  it('writes one whole access-log line per request, on standard output and in --logfile, never interleaved', async () => {
    const logfile = join(logDir, 'access.log');
    const loom = await startLoom(['web', '--workers', '2', '--class', PID_SITE, '--listen', 'tcp:0:interface=127.0.0.1', '--logfile', logfile]);
    const toStdout = await startLoom(['web', '--workers', '2', '--class', PID_SITE, '--listen', 'tcp:0:interface=127.0.0.1']);
    // Paths longer than a pipe writes whole (4 KiB), many at once across both workers.
    const paths = Array.from({ length: 40 }, (_, i) => `/${String(i).padStart(2, '0')}-${'x'.repeat(6000)}`);
    await Promise.all(paths.flatMap((path) => [get(`${loom.urls[0]!.slice(0, -1)}${path}`), get(`${toStdout.urls[0]!.slice(0, -1)}${path}`)]));
    await toStdout.waitForLines(/"GET /, 40);
    expect(await loom.stop()).toBe(0);
    expect(await toStdout.stop()).toBe(0);
    for (const text of [readFileSync(logfile, 'utf8'), toStdout.stdout().split('\n').filter((l) => !l.startsWith('Listening')).join('\n')]) {
      const lines = text.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(40);
      for (const line of lines) expect(line).toMatch(/^"127\.0\.0\.1" - - \[[^\]]+\] "GET \/\d\d-x{6000} HTTP\/1\.1" 200 \d+ "-" "-"$/);
      expect(new Set(lines.map((l) => /GET \/(\d\d)/.exec(l)![1])).size).toBe(40);
    }
  });
});
