import { describe, expect, it } from 'vitest';
import { freePort, parseServerLine, startServer, treeCpuSeconds, treeRssMB } from '../../bench/process.ts';

describe('parseServerLine', () => {
  it('reads the ready line the lessons also print', () => {
    expect(parseServerLine('Listening on http://127.0.0.1:8123/')).toEqual({ kind: 'ready', port: 8123 });
  });

  it('reads a Loom server saying its feature is not built yet', () => {
    expect(parseServerLine('NOT BUILT: ReverseProxyResource (lib/proxy/resource.ts)')).toEqual({ kind: 'not-built', what: 'ReverseProxyResource (lib/proxy/resource.ts)' });
  });

  it('reads the answer to a GC request', () => {
    expect(parseServerLine('GC DONE')).toEqual({ kind: 'gc-done' });
  });

  it('ignores anything else, including a ready line for another host', () => {
    expect(parseServerLine('Server listening at http://127.0.0.1:8123')).toBeNull();
    expect(parseServerLine('Listening on http://0.0.0.0:8123/')).toBeNull();
  });
});

describe('startServer', () => {
  const node = (code: string): string[] => [process.execPath, '-e', code];

  it('reports "not built" when the script says so', async () => {
    const result = await startServer({ command: node('console.log("NOT BUILT: File")'), env: {}, readyBy: 'line', port: 1, timeoutMs: 10_000 });
    expect(result).toEqual({ kind: 'not-built', what: 'File' });
  });

  it('fails with the script\'s own output when it exits before being ready', async () => {
    const start = startServer({ command: node('console.error("cannot import lib"); process.exit(3)'), env: {}, readyBy: 'line', port: 1, timeoutMs: 10_000 });
    await expect(start).rejects.toThrow(/exited with code 3: cannot import lib/);
  });

  it('starts a server that prints its ready line on PORT, and stops it', async () => {
    const port = await freePort();
    const code = `require('node:http').createServer((q, s) => s.end('hi')).listen(+process.env.PORT, '127.0.0.1', () => console.log('Listening on http://127.0.0.1:' + process.env.PORT + '/'))`;
    const result = await startServer({ command: node(code), env: { PORT: String(port) }, readyBy: 'line', port, timeoutMs: 10_000 });
    if (result.kind !== 'ready') throw new Error('expected ready');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hi');
    await result.server.stop();
    expect(result.server.exited).toBe(true);
  });

  it('gives up on a server that never gets ready, and stops it', async () => {
    const start = startServer({ command: node('setInterval(() => {}, 1000)'), env: {}, readyBy: 'line', port: 1, timeoutMs: 300 });
    await expect(start).rejects.toThrow(/no ready\/not-built line within 300 ms/);
  });
});

describe('treeRssMB', () => {
  it.runIf(process.platform === 'linux')('reads a live process\'s resident set from /proc', () => {
    const mb = treeRssMB(process.pid);
    expect(mb).toBeGreaterThan(10);
    expect(mb).toBeLessThan(4096);
  });

  it('gives null for a process that does not exist', () => {
    expect(treeRssMB(2 ** 30)).toBeNull();
  });
});

describe('treeCpuSeconds', () => {
  it.runIf(process.platform === 'linux')('grows as this process burns CPU', () => {
    const before = treeCpuSeconds(process.pid)!;
    const start = process.cpuUsage();
    // Burn 50 ms of CPU, counted as CPU (not wall time, which a busy machine stretches): 5 ticks of /proc's 10 ms.
    while (process.cpuUsage(start).user < 50_000);
    expect(treeCpuSeconds(process.pid)!).toBeGreaterThan(before);
  });

  it('gives null for a process that does not exist', () => {
    expect(treeCpuSeconds(2 ** 30)).toBeNull();
  });
});
