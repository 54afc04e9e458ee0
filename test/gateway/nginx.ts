/**
 * Running Debian's nginx as the real front end for the SCGI and FastCGI tests: a child
 * process with a configuration of our own (no daemon, no master process, a temporary
 * prefix, free loopback ports), stopped by its PID afterwards.
 *
 * When nginx is not installed the tests skip with a reason, except under CI=true, where
 * a missing nginx is a failure (CI installs it: `apt-get install nginx-light`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where nginx is, or null. */
export function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : null;
}

/** A free loopback port (asked of the system, then released for nginx to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The CGI variables nginx passes, for a gateway application mounted at the root. */
const PARAMS: [string, string][] = [
  ['REQUEST_METHOD', '$request_method'], ['SCRIPT_NAME', '""'], ['PATH_INFO', '$uri'], ['QUERY_STRING', '$query_string'],
  ['CONTENT_TYPE', '$content_type'], ['SERVER_NAME', '$host'], ['SERVER_PORT', '$server_port'],
  ['SERVER_PROTOCOL', '$server_protocol'], ['REMOTE_ADDR', '$remote_addr'], ['REMOTE_PORT', '$remote_port'], ['REQUEST_URI', '$request_uri'],
];

/** One nginx server block: an HTTP port in front of an SCGI or FastCGI back end. */
export interface Frontend {
  readonly kind: 'scgi' | 'fastcgi';
  readonly httpPort: number;
  readonly backendPort: number;
}

/** The nginx.conf for `frontends`, with everything nginx writes kept under `prefix`. */
export function nginxConfig(prefix: string, frontends: readonly Frontend[]): string {
  const servers = frontends.map(({ kind, httpPort, backendPort }) => {
    // For SCGI nginx sends CONTENT_LENGTH first by itself, and SCGI=1 as Debian's scgi_params
    // does; FastCGI needs CONTENT_LENGTH named.
    const params = kind === 'fastcgi' ? [...PARAMS, ['CONTENT_LENGTH', '$content_length'] as [string, string]] : [...PARAMS, ['SCGI', '1'] as [string, string]];
    const lines = params.map(([name, value]) => `      ${kind}_param ${name} ${value};`).join('\n');
    const keep = kind === 'fastcgi' ? '      fastcgi_keep_conn on;\n' : '';
    return `  server {\n    listen 127.0.0.1:${httpPort};\n    location / {\n${lines}\n${keep}      ${kind}_pass 127.0.0.1:${backendPort};\n    }\n  }`;
  });
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  scgi_temp_path ${prefix}/scgi;
  uwsgi_temp_path ${prefix}/uwsgi;
${servers.join('\n')}
}
`;
}

/** A running nginx. */
export interface RunningNginx {
  readonly prefix: string;
  /** What nginx wrote to its error log. */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Start nginx for `frontends` and wait until every HTTP port accepts connections. */
export async function startNginx(binary: string, frontends: readonly Frontend[]): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'loom-nginx-'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, frontends));
  const child: ChildProcess = spawn(binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const errorLog = (): string => (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    for (const { httpPort } of frontends) await waitForPort(httpPort, child, () => stderr + errorLog());
  } catch (error) {
    await stop();
    throw error;
  }
  return { prefix, errorLog, stop };
}

/** Poll until `port` accepts a connection; fail at once if nginx exits, or after 10 s. */
async function waitForPort(port: number, child: ChildProcess, why: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}: ${why()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on port ${port} within 10 s: ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
