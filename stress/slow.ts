/**
 * Slow clients, with slowhttptest (Debian package `slowhttptest`): slow headers
 * (slowloris, -H), a slow body (R-U-Dead-Yet, -B) and a slow read of the response (-X).
 * During each attack a normal client asks for a page once a second; the case passes
 * when every one of those is answered, i.e. the attack never made the service unavailable.
 */
import { spawnSync } from 'node:child_process';
import { sampleRss, spawnProcess } from '../bench/process.ts';
import { fail, pass, skip, type CaseResult, type Context, type StressCase } from './case.ts';
import { get } from './probe.ts';

const MODES = {
  'slow-headers': { flag: '-H', path: '/files/hello.txt', what: 'slow headers (slowhttptest -H, slowloris)', extra: ['-i', '10'] },
  'slow-body': { flag: '-B', path: '/sink', what: 'a slow request body (slowhttptest -B)', extra: ['-i', '5', '-s', '100000'] },
  'slow-read': { flag: '-X', path: '/files/big.bin', what: 'a slow read of the response (slowhttptest -X)', extra: ['-w', '512', '-y', '1024', '-n', '5', '-z', '32', '-k', '2'] },
} as const;

function hasSlowhttptest(): boolean {
  return spawnSync('slowhttptest', ['-h'], { stdio: 'ignore' }).error === undefined;
}

function slowCase(name: keyof typeof MODES): StressCase {
  const mode = MODES[name];
  return {
    name, group: 'slow', limitSeconds: 240, attacks: mode.what,
    async run(ctx) {
      if (!hasSlowhttptest()) return skip('slowhttptest is not installed: apt-get install slowhttptest');
      return attack(ctx, mode.flag, mode.path, [...mode.extra]);
    },
  };
}

async function attack(ctx: Context, flag: string, path: string, extra: string[]): Promise<CaseResult> {
  const seconds = ctx.quick ? 20 : 60;
  const connections = ctx.quick ? 300 : 1000;
  const target = await ctx.startTarget();
  const url = `http://127.0.0.1:${target.port}${path}`;
  const tool = spawnProcess(['slowhttptest', flag, '-c', String(connections), '-r', '200', '-l', String(seconds), '-u', url, '-p', '10', ...extra]);
  const rss = sampleRss(target.pid, 1000);
  const exited = new Promise<void>((resolve) => (tool.exited ? resolve() : tool.child.once('exit', () => resolve())));
  let probes = 0;
  const failures: string[] = [];
  let done = false;
  void exited.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 3000)); // let the attack open its connections
  while (!done) {
    probes++;
    const started = Date.now();
    const answer = await get(target.port, '/files/hello.txt', { timeoutMs: 10_000 }).catch((error: unknown) => (error as Error).message);
    if (typeof answer === 'string' || answer.status !== 200) failures.push(typeof answer === 'string' ? answer : `status ${answer.status}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
  }
  const peak = rss.stop();
  // "No open connections left" means the server closed every slow connection before the end.
  const plain = tool.tail().replace(/\x1b\[[0-9;]*m/g, ''); // slowhttptest colours its status
  const ending = /Exit status:\s*([^\n]*)/.exec(plain)?.[1]?.trim() ?? 'no exit status';
  ctx.say(`slowhttptest: ${tool.tail().split('\n').slice(-2).join(' | ')}`);
  const figures = { connections, seconds, probes, unavailable: failures.length, peakRssMB: Math.round(peak ?? 0) };
  if (probes === 0) return fail('slowhttptest ended before a probe ran', figures);
  return failures.length === 0
    ? pass(`${connections} slow connections, attack of up to ${seconds} s ended: ${ending}; ${probes}/${probes} normal requests answered`, figures)
    : fail(`${failures.length}/${probes} normal requests failed during the attack: ${failures[0]}`, figures);
}

export const SLOW_CASES: readonly StressCase[] = [slowCase('slow-headers'), slowCase('slow-body'), slowCase('slow-read')];
