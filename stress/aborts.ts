/**
 * Client aborts at every stage: in the headers, in the body, and in the middle of a
 * static file, a CGI program's output and the gateway's answer. What the server holds
 * (file descriptors, threads, child processes, timers, sockets) is counted before and,
 * once things settle, after; anything left over fails the case.
 */
import net from 'node:net';
import { pass, fail, type Context, type StressCase } from './case.ts';
import { describeHoldings, get, holdings, leaked, settledHoldings } from './probe.ts';

/** Open a connection, send `data`, and cut it once `cutAfterBytes` of answer came (0: right after sending). */
function abortOnce(port: number, data: string, cutAfterBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data, () => {
        if (cutAfterBytes === 0) setImmediate(() => socket.destroy());
      });
    });
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= cutAfterBytes) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.setTimeout(20_000, () => socket.destroy());
  });
}

const STAGES = {
  'abort-headers': { what: 'in the middle of the request headers', data: 'GET /files/hello.txt HTTP/1.1\r\nHost: a\r\nX-Half: ', cut: 0 },
  'abort-body': { what: 'in the middle of a request body', data: `POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(200_000)}`, cut: 0 },
  'abort-static': { what: 'in the middle of a 20 MB static file', data: 'GET /files/big.bin HTTP/1.1\r\nHost: a\r\n\r\n', cut: 64 * 1024 },
  'abort-cgi': { what: 'in the middle of a CGI program\'s output', data: 'GET /cgi/big.cgi HTTP/1.1\r\nHost: a\r\n\r\n', cut: 64 * 1024 },
  'abort-gateway': { what: 'before the gateway has answered', data: 'GET /gateway/hello HTTP/1.1\r\nHost: a\r\n\r\n', cut: 0 },
  'abort-proxy': { what: 'while the reverse proxy waits on its upstream', data: 'GET /proxy-silent/ HTTP/1.1\r\nHost: a\r\n\r\n', cut: 0 },
} as const;

function abortCase(name: keyof typeof STAGES): StressCase {
  const stage = STAGES[name];
  return {
    name, group: 'abort', limitSeconds: 180, attacks: `client aborts ${stage.what}`,
    async run(ctx: Context) {
      const port = ctx.target.port;
      // A warm-up round first: what the first aborts create once and keep (the gateway's
      // pool growing to its bound, say) is a bounded cost, not a leak; a leak grows per round.
      const round = (): Promise<unknown> => Promise.all(Array.from({ length: 10 }, () => abortOnce(port, stage.data, stage.cut)));
      await round();
      await get(port, '/files/hello.txt');
      const before = await settledHoldings(ctx.target, await holdings(ctx.target), 5000);
      const times = ctx.quick ? 20 : 100;
      for (let i = 0; i < times; i += 10) await round();
      const after = await settledHoldings(ctx.target, before, 30_000);
      const alive = await get(port, '/files/hello.txt');
      const left = leaked(before, after);
      const figures = { aborts: times, leaked: left.length === 0 ? 'none' : left.join(', ') };
      const line = `${times} aborts; before: ${describeHoldings(before)}; after: ${describeHoldings(after)}`;
      if (alive.status !== 200) return fail(`a normal request then got ${alive.status}; ${line}`, figures);
      return left.length === 0 ? pass(line, figures) : fail(`left behind ${left.join(', ')}; ${line}`, figures);
    },
  };
}

export const ABORT_CASES: readonly StressCase[] = (Object.keys(STAGES) as (keyof typeof STAGES)[]).map(abortCase);
