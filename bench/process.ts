/**
 * Starting, watching and stopping the processes of a run: servers, the proxy backend,
 * redis-server and the load generators.
 *
 * Every child is remembered until it exits, so Ctrl-C (or a crash of the harness) can
 * stop them all by pid. Every wait has a deadline, so a server that never says it is
 * ready or a load generator that hangs ends the step instead of the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a server said on stdout, line by line (see bench/servers/common.ts). */
export type ServerLine =
  | { readonly kind: 'ready'; readonly port: number }
  | { readonly kind: 'not-built'; readonly what: string }
  | { readonly kind: 'gc-done' };

/** Understand one line a server printed; null for anything else (it is only kept for error messages). */
export function parseServerLine(line: string): ServerLine | null {
  const ready = /^Listening on http:\/\/127\.0\.0\.1:(\d+)\/\s*$/.exec(line);
  if (ready !== null) return { kind: 'ready', port: Number(ready[1]) };
  const missing = /^NOT BUILT: (.+)$/.exec(line.trim());
  if (missing !== null) return { kind: 'not-built', what: missing[1]! };
  if (line.trim() === 'GC DONE') return { kind: 'gc-done' };
  return null;
}

const live = new Set<ChildProcess>();

/**
 * Stop every child still running (Ctrl-C, or the harness failing): SIGTERM first, so
 * nginx's master takes its workers down with it, then SIGKILL for any still there after 2 s.
 */
export async function killAll(): Promise<void> {
  const children = [...live];
  const exited = children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))));
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 2000);
  await Promise.all(exited);
  clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1 (free now; the server takes it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** How to know it is ready: its ready line, or a TCP connection succeeding (nginx, redis). */
  readonly readyBy: 'line' | 'connect';
  readonly port: number;
  readonly timeoutMs: number;
}

export type StartResult =
  | { readonly kind: 'ready'; readonly server: RunningProcess }
  | { readonly kind: 'not-built'; readonly what: string };

/** A started process: its pid, its last output, and a way to stop it. */
export class RunningProcess {
  readonly child: ChildProcess;
  #output = '';
  #lineListeners: ((line: ServerLine) => void)[] = [];
  exitCode: number | null | undefined = undefined;

  constructor(child: ChildProcess) {
    this.child = child;
    live.add(child);
    child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal === null ? null : -1);
      live.delete(child);
    });
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.#onLine(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.#keep(chunk.toString()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** The end of what it printed, for error messages. */
  tail(): string {
    return this.#output.trim().split('\n').slice(-6).join('\n');
  }

  /** Resolve with the next line of `kind`, or reject after `timeoutMs` or when the process exits. */
  waitFor<K extends ServerLine['kind']>(kinds: readonly K[], timeoutMs: number): Promise<Extract<ServerLine, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${kinds.join('/')} line within ${timeoutMs} ms`)), timeoutMs);
      const onExit = (): void => done(new Error(`exited with code ${String(this.exitCode)}`));
      const listener = (line: ServerLine): void => {
        if ((kinds as readonly string[]).includes(line.kind)) done(null, line as Extract<ServerLine, { kind: K }>);
      };
      const done = (error: Error | null, line?: Extract<ServerLine, { kind: K }>): void => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        this.#lineListeners = this.#lineListeners.filter((l) => l !== listener);
        if (error === null) resolve(line!);
        else reject(error);
      };
      if (this.exited) {
        onExit();
        return;
      }
      this.child.once('exit', onExit);
      this.#lineListeners.push(listener);
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited after 3 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  #onLine(line: string): void {
    this.#keep(line + '\n');
    const parsed = parseServerLine(line);
    if (parsed !== null) for (const listener of [...this.#lineListeners]) listener(parsed);
  }

  #keep(text: string): void {
    this.#output = (this.#output + text).slice(-4000);
  }
}

/** Spawn a process with piped output (no stdin). */
export function spawnProcess(command: readonly string[], env: Readonly<Record<string, string>> = {}): RunningProcess {
  const [program, ...args] = command;
  // From the project root, so `node --import tsx` finds tsx in its node_modules.
  const child = spawn(program!, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', () => undefined); // A missing program shows up as an exit; the caller reports it.
  return new RunningProcess(child);
}

/** Start a server and wait until it is ready (or says its Loom feature is not built). */
export async function startServer(options: StartOptions): Promise<StartResult> {
  const server = spawnProcess(options.command, options.env);
  try {
    if (options.readyBy === 'connect') {
      await waitForConnect(options.port, options.timeoutMs, server);
      return { kind: 'ready', server };
    }
    const line = await server.waitFor(['ready', 'not-built'], options.timeoutMs);
    if (line.kind === 'not-built') {
      await server.stop();
      return { kind: 'not-built', what: line.what };
    }
    if (line.port !== options.port) throw new Error(`it listened on port ${line.port}, not on PORT=${options.port}`);
    return { kind: 'ready', server };
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}${server.tail() === '' ? '' : `: ${server.tail()}`}`);
  }
}

/** Poll until a TCP connection to 127.0.0.1:port succeeds. */
async function waitForConnect(port: number, timeoutMs: number, server: RunningProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exited) throw new Error(`exited with code ${String(server.exitCode)}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Run a process to its end (bounded by `timeoutMs`) and return its stdout. */
export async function runToEnd(command: readonly string[], timeoutMs: number): Promise<string> {
  const proc = spawnProcess(command);
  let stdout = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<void>((resolve) => (proc.exited ? resolve() : proc.child.once('exit', () => resolve())));
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  if (proc.exitCode !== 0) throw new Error(`${command[0]} exited with code ${String(proc.exitCode)}: ${proc.tail()}`);
  return stdout;
}

/**
 * The resident set of `pid` and all its descendants, in MB (nginx's workers count with
 * its master). Read from /proc; null where there is no /proc.
 */
export function treeRssMB(pid: number): number | null {
  let totalKB = 0;
  for (const current of processTree(pid)) {
    const kb = rssKB(current);
    if (kb !== null) totalKB += kb;
  }
  return totalKB === 0 ? null : totalKB / 1024;
}

/** `pid` and its descendants; just `pid` where /proc cannot be read. */
export function processTree(pid: number): number[] {
  const tree: number[] = [];
  let scanned: Map<number, number[]> | null = null;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    tree.push(current);
    let children = childrenOf(current);
    if (children === null) {
      try {
        scanned ??= childrenByParent();
      } catch {
        scanned = new Map();
      }
      children = scanned.get(current) ?? [];
    }
    queue.push(...children);
  }
  return tree;
}

/** Linux's USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on every usual build). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) used so far by `pid` and its descendants, or null without
 * /proc. Divided by the requests served, it gives CPU per request: a figure that stays
 * meaningful on a busy machine, where requests per second do not.
 */
export function treeCpuSeconds(pid: number): number | null {
  let ticks = 0;
  let found = false;
  for (const current of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      // Fields after the command name: state is 3rd, utime 14th and stime 15th of the whole line.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // It exited between the listing and the read.
    }
  }
  return found ? ticks / CLOCK_TICKS_PER_SECOND : null;
}

function rssKB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null; // It exited between the listing and the read.
  }
}

/** The direct children of `pid`, from /proc/PID/task/TID/children (one small read per thread). */
function childrenOf(pid: number): number[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // a kernel without it: scan instead
      continue;
    }
    for (const child of text.trim().split(' ')) if (child !== '') children.push(Number(child));
  }
  return children;
}

/** Every process's children, from a scan of /proc (the fallback: it reads every process's stat). */
function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name is in parentheses and may hold spaces: the ppid is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = map.get(ppid);
    if (list === undefined) map.set(ppid, [Number(entry)]);
    else list.push(Number(entry));
  }
  return map;
}

/** Sample `treeRssMB(pid)` every `everyMs` until `stop()`, which returns the largest seen. */
export function sampleRss(pid: number, everyMs = 250): { stop(): number | null } {
  let peak: number | null = treeRssMB(pid);
  const timer = setInterval(() => {
    const now = treeRssMB(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const now = treeRssMB(pid);
      return now !== null && (peak === null || now > peak) ? now : peak;
    },
  };
}
