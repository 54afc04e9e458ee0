/**
 * When a long-running workbook command (a lesson's server, `npm run grade -- --watch`)
 * is to stop: on SIGINT (Ctrl-C), SIGTERM or SIGHUP, and when the npm that launched it
 * has gone, however it went.
 *
 * The second is needed because npm stands between: `npm run lesson 07` is npm running
 * `sh -c "node --import tsx tools/lesson.ts 07"`. `kill <pid of npm>` sends SIGTERM,
 * which npm forwards to that shell only, and the shell dies of it without passing it on;
 * `kill -HUP` ends npm, which forwards nothing. Either way the command would be left
 * running, a server holding its port. Ctrl-C in the terminal reaches every process of
 * the foreground group, this one included, and needs none of this. (A SIGINT sent to
 * npm alone is forwarded to the shell, which ignores it while it waits: nothing here can
 * see that one.) Tests: `test/tools/lesson.test.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Why a command is to stop: the signal it received, or its launcher having gone. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'launcher gone';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How often to look for the launcher, in ms: a stop this late still feels immediate. */
const WATCH_INTERVAL_MS = 200;

/**
 * Call `stop` each time the command is asked to stop (a second Ctrl-C calls it again,
 * for commands that stop at once then). Returns a function that stops listening.
 */
export function onStop(stop: (reason: StopReason) => void, env: NodeJS.ProcessEnv = process.env): () => void {
  const handlers = SIGNALS.map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const parent = process.ppid;
  const launchers = launcherPids(parent, env);
  const timer = setInterval(() => {
    // A new parent means the old one died and this process was handed to another.
    if (process.ppid !== parent || !launchers.every(isAlive)) {
      clearInterval(timer);
      stop('launcher gone');
    }
  }, WATCH_INTERVAL_MS);
  timer.unref(); // watching must not keep a command alive that has finished
  return () => {
    clearInterval(timer);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * The processes whose end should end this one: the parent, and, when an npm script
 * started this one (npm sets `npm_lifecycle_event`), the npm above the script's shell.
 * Not further up: `nohup npm run lesson 07 &` must outlive the shell it was typed in.
 */
function launcherPids(parent: number, env: NodeJS.ProcessEnv): number[] {
  if (env.npm_lifecycle_event === undefined) return [parent];
  const npm = parentOf(parent);
  return npm === undefined || npm === 1 ? [parent] : [parent, npm];
}

/** The parent of process `pid`: from /proc on Linux, else from `ps`; undefined if neither can say. */
function parentOf(pid: number): number | undefined {
  let ppid: number;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ppid …"; the command may itself hold spaces and parentheses.
    ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      return undefined; // Windows: no /proc, no ps; the parent alone is watched
    }
  }
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 checks that the process exists, and sends nothing
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, and is not ours
  }
}
