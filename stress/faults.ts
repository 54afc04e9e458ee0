/**
 * Faults the server must survive: an upstream that dies mid-response and one that never
 * answers; a CGI program that hangs or floods its stderr; a gateway application that
 * throws, exits its thread or loops forever; Redis going away and coming back; the access
 * log's disk full. Each passes when the failing request gets a prompt, proper answer,
 * the next normal request is answered, and nothing is left behind.
 */
import { spawnSync } from 'node:child_process';
import { freePort, startServer } from '../bench/process.ts';
import { fail, pass, skip, verdict, type CaseResult, type Context, type StressCase } from './case.ts';
import { describeHoldings, get, holdings, leaked, settledHoldings } from './probe.ts';

/** A fault case: ask for `path`, expect `status`, then check health and holdings. */
function faultCase(name: string, attacks: string, path: string, status: RegExp, timeoutMs = 30_000): StressCase {
  return {
    name, group: 'fault', limitSeconds: 180, attacks,
    async run(ctx: Context) {
      const port = ctx.target.port;
      await get(port, '/gateway/hello');
      const before = await holdings(ctx.target);
      const problems: string[] = [];
      const times = 5;
      for (let i = 0; i < times; i++) {
        const answer = await get(port, path, { timeoutMs }).catch((error: unknown) => (error as Error).message);
        const seen = typeof answer === 'string' ? answer : String(answer.status);
        if (!status.test(seen)) problems.push(`${path} → ${seen}`);
      }
      // Healthy again within 30 s: a worker thread that died is replaced, and a new one
      // takes a second or more to boot on a busy machine, so the first tries may time out.
      const recovering = Date.now();
      for (const healthy of ['/files/hello.txt', '/gateway/hello', '/proxy/']) {
        let answer = await get(port, healthy).catch(() => null);
        while (answer?.status !== 200 && Date.now() - recovering < 30_000) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          answer = await get(port, healthy).catch(() => null);
        }
        if (answer?.status !== 200) problems.push(`then ${healthy} → ${answer?.status ?? 'no answer'} for 30 s`);
      }
      const recovered = (Date.now() - recovering) / 1000;
      const after = await settledHoldings(ctx.target, before, 30_000);
      problems.push(...leaked(before, after).map((l) => `left behind ${l}`));
      return verdict(problems, `${times}× ${path} answered ${status.source}; healthy again ${recovered < 1 ? 'at once' : `after ${recovered.toFixed(1)} s`}; ${describeHoldings(after)}`);
    },
  };
}

const cgiHang: StressCase = {
  name: 'cgi-hang', group: 'fault', limitSeconds: 120, attacks: 'a CGI program that never answers, and a client that gives up on it',
  async run(ctx) {
    const before = await holdings(ctx.target);
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(ctx.target.port, '/cgi/hang.cgi', { timeoutMs: 3000 }).then((a) => String(a.status), (e: unknown) => (e as Error).message)));
    const during = await holdings(ctx.target);
    const after = await settledHoldings(ctx.target, before, 30_000);
    const left = leaked(before, after);
    const alive = await get(ctx.target.port, '/cgi/ok.cgi');
    const line = `5 hung programs (children while waiting: ${during.children}); after the clients gave up: ${describeHoldings(after)}`;
    return left.length === 0 && alive.status === 200 ? pass(line) : fail(`${left.join(', ') || `ok.cgi → ${alive.status}`}; ${line}; answers ${answers.join(',')}`);
  },
};

async function redisSessions(ctx: Context): Promise<CaseResult> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error !== undefined) return skip('redis-server is not installed: apt-get install redis-server');
  const redisPort = await freePort();
  const startRedis = async () => {
    const started = await startServer({ command: ['redis-server', '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], env: {}, readyBy: 'connect', port: redisPort, timeoutMs: 20_000 });
    if (started.kind !== 'ready') throw new Error('redis-server did not start');
    return started.server;
  };
  let redis = await startRedis();
  const target = await ctx.startTarget({ STRESS_REDIS_PORT: String(redisPort) });
  const problems: string[] = [];
  try {
    const first = await get(target.port, '/session');
    const cookie = String(first.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    if (first.status !== 200 || cookie === '') problems.push(`with Redis up: ${first.status}, cookie ${cookie || 'none'}`);
    await redis.stop();
    const started = Date.now();
    const down = await get(target.port, '/session', { headers: { cookie }, timeoutMs: 30_000 }).then((a) => String(a.status), (e: unknown) => (e as Error).message);
    const downSeconds = (Date.now() - started) / 1000;
    ctx.say(`with Redis gone: ${down} after ${downSeconds.toFixed(1)} s`);
    if (!/^5\d\d$/.test(down)) problems.push(`with Redis gone: ${down}`);
    const plain = await get(target.port, '/files/hello.txt');
    if (plain.status !== 200) problems.push(`a page without sessions, Redis gone: ${plain.status}`);
    redis = await startRedis();
    let back = '';
    for (let i = 0; i < 30 && back !== '200'; i++) {
      back = await get(target.port, '/session', { timeoutMs: 10_000 }).then((a) => String(a.status), (e: unknown) => (e as Error).message);
      if (back !== '200') await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (back !== '200') problems.push(`Redis back, sessions still ${back}`);
    return verdict(problems, `sessions on Redis: 200, then ${down} in ${downSeconds.toFixed(1)} s while it was gone, 200 once it came back`);
  } finally {
    await redis.stop();
  }
}

const accessLogFull: StressCase = {
  name: 'access-log-full', group: 'fault', limitSeconds: 120, attacks: 'the access log\'s disk full (logging to /dev/full)',
  async run(ctx) {
    const target = await ctx.startTarget({ STRESS_ACCESS_LOG: '/dev/full' });
    let output = '';
    target.process.child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    target.process.child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    let ok = 0;
    for (let i = 0; i < 50; i++) if ((await get(target.port, '/files/hello.txt').catch(() => null))?.status === 200) ok++;
    const said = output.split('\n').filter((l) => /access log/i.test(l)).length;
    const line = `${ok}/50 requests answered with the log's disk full; the log problem was reported ${said} time(s)`;
    if (target.process.exited) return fail(`the server exited (code ${String(target.process.exitCode)}): ${target.process.tail()}`);
    return ok === 50 && said === 1 ? pass(line) : fail(line);
  },
};

export const FAULT_CASES: readonly StressCase[] = [
  faultCase('upstream-dies', 'an upstream that dies mid-response', '/proxy-dies/', /^(502|socket hang up|aborted)$/),
  faultCase('upstream-silent', 'an upstream that never answers (the proxy\'s 3 s timeout)', '/proxy-silent/', /^504$/),
  cgiHang,
  faultCase('cgi-stderr-flood', 'a CGI program that writes 20 MB to its stderr', '/cgi/flood.cgi', /^200$/, 60_000),
  faultCase('gateway-throws', 'a gateway application that throws', '/gateway/throws', /^500$/),
  faultCase('gateway-exits', 'a gateway application that exits its thread', '/gateway/exits', /^5\d\d$/),
  faultCase('gateway-loops', 'a gateway application that loops forever (the 2 s timeout)', '/gateway/loops', /^504$/),
  { name: 'redis-away', group: 'fault', limitSeconds: 180, attacks: 'Redis going away and coming back', run: redisSessions },
  accessLogFull,
];

