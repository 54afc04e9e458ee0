/**
 * What the cases run against: the fixture tree, the target server (stress/target.ts) in
 * its own process, `loom web --path` over the same tree, and the little upstreams the
 * proxy faults need (one that answers, one that dies mid-response, one that never
 * answers), which run in the suite's own process because nothing measures them.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, type RunningProcess } from '../bench/process.ts';
import { pseudoRandomBytes } from '../bench/fixtures.ts';

export const SECRET = 'OUTSIDE-SECRET-7731';
/** A file name that is HTML: a listing that does not escape it runs the script. */
export const HTML_NAME = '<img src=x onerror=alert(1)>.txt';
export const BIG_FILE_SIZE = 20 * 1024 * 1024;

const LIB = new URL('../lib/index.ts', import.meta.url).pathname;
const script = (text: string): string =>
  `import { Resource } from '${LIB}';\nclass R extends Resource { override isLeaf = true; render_GET() { return ${JSON.stringify(text)}; } }\nexport const resource = new R();\n`;

const GATEWAY_APPS = `
const HEADERS = [['Content-Type', 'text/plain']];
export function hello(_environ, startResponse) { startResponse('200 OK', HEADERS); return ['hello gateway\\n']; }
export function throws() { throw new Error('the application failed on purpose'); }
export function exits() { process.exit(3); }
export function loops() { for (;;) { /* never returns: the gateway's timeout must replace this thread */ } }
`;

/** The tree every server serves: `served/` plus, beside it, what must never leak. */
export function makeFixtureTree(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'loom-stress-'));
  const served = join(root, 'served');
  for (const dir of [served, join(served, 'sub'), join(served, 'cgi-bin'), join(served, 'scripts')]) mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    'outside-secret.txt': SECRET,
    'outside-evil.cgi': `#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n${SECRET}'\n`,
    'outside-evil.rsx.ts': script(SECRET),
    'package.json': '{"type":"module"}\n',
    'gateway-apps.mjs': GATEWAY_APPS,
    'served/hello.txt': 'hello\n',
    'served/big.bin': pseudoRandomBytes(BIG_FILE_SIZE, 3),
    [`served/sub/${HTML_NAME}`]: 'html name\n',
    'served/cgi-bin/ok.cgi': '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\ncgi ok"\n',
    'served/cgi-bin/hang.cgi': '#!/bin/sh\nexec sleep 3600\n',
    'served/cgi-bin/flood.cgi': '#!/bin/sh\nhead -c 20000000 /dev/zero | tr "\\0" "e" >&2\nprintf "Content-Type: text/plain\\n\\nflooded"\n',
    'served/cgi-bin/big.cgi': '#!/bin/sh\nprintf "Content-Type: application/octet-stream\\n\\n"\nexec head -c 50000000 /dev/zero\n',
    'served/scripts/ok.rsx.ts': script('script ok'),
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
  for (const cgi of ['outside-evil.cgi', 'served/cgi-bin/ok.cgi', 'served/cgi-bin/hang.cgi', 'served/cgi-bin/flood.cgi', 'served/cgi-bin/big.cgi']) chmodSync(join(root, cgi), 0o755);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A running target and its port. */
export interface Target {
  readonly port: number;
  readonly process: RunningProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Start stress/target.ts with `env` on a free port, waiting up to 60 s for it (a shared machine is slow). */
export async function startTarget(root: string, env: Readonly<Record<string, string>> = {}): Promise<Target> {
  const port = await freePort();
  const command = [process.execPath, '--expose-gc', '--import', 'tsx', 'stress/target.ts'];
  const started = await startServer({ command, env: { ...env, STRESS_ROOT: root, PORT: String(port) }, readyBy: 'line', port, timeoutMs: 60_000 });
  if (started.kind !== 'ready') throw new Error(`the target is not built: ${started.what}`);
  const server = started.server;
  return { port, process: server, pid: server.pid, stop: () => server.stop() };
}

/** Start `loom web --path served` over the tree. */
export async function startWebPath(root: string): Promise<Target> {
  const port = await freePort();
  const command = [process.execPath, 'bin/loom.mjs', 'web', '--path', join(root, 'served'), '--listen', `tcp:${port}:interface=127.0.0.1`];
  const started = await startServer({ command, env: {}, readyBy: 'connect', port, timeoutMs: 60_000 });
  if (started.kind !== 'ready') throw new Error('loom web did not start');
  return { port, process: started.server, pid: started.server.pid, stop: () => started.server.stop() };
}

/** The proxy's upstreams: `good` answers, `dying` sends half a response and cuts, `silent` never answers. */
export interface Upstreams {
  readonly good: number;
  readonly dying: number;
  readonly silent: number;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const good = createServer((_req, res) => res.end('upstream ok\n'));
  const dying = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write('x'.repeat(1000), () => res.socket?.destroy());
  });
  const silent = createServer(() => undefined); // holds every request; the proxy's timeout must answer
  const ports = await Promise.all([good, dying, silent].map(listen));
  const all = [good, dying, silent];
  return {
    good: ports[0]!, dying: ports[1]!, silent: ports[2]!,
    close: () => Promise.all(all.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); }))).then(() => undefined),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}
