import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/grading/subject.ts';
import { toolEnv } from './run-tool.ts';

/** A lesson server started as a learner starts one, and what it printed. */
interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves when the command and everything holding its output have ended. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Start lesson 02 on a free port (PORT=0) and wait for its "Listening on" line.
 * `detached` puts the command in a process group of its own, for the clean-up after
 * each test; it changes nothing about which process a signal reaches.
 */
function startLesson(command: string, args: readonly string[]): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: toolEnv(ROOT, { PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  // 'close' waits for every holder of the output pipes, the runner behind npm included.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })));
  groups.add(child);
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (listening !== null) resolve({ child, port: Number(listening[1]), ended, output: () => output });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void ended.then(({ code }) => reject(new Error(`the lesson ended (${code}) before listening:\n${output}`)));
  });
}

/** Whether something accepts connections on `port`. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Whatever a failed test leaves running (a server that did not stop holds its port)
// is killed with its whole process group, so that one failure cannot cause others.
const groups = new Set<ChildProcess>();
afterEach(() => {
  for (const child of groups) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone: everything stopped, as it should
    }
  }
  groups.clear();
});

describe('npm run lesson NN', { timeout: 30_000 }, () => {
  it('stops the example and frees its port when npm run is killed with SIGTERM', async () => {
    // npm forwards SIGTERM to the shell that runs the script, which dies without passing
    // it on: the runner must notice that its launcher is gone.
    const started = await startLesson('npm', ['run', 'lesson', '02']);
    expect(await answers(started.port)).toBe(true);
    process.kill(started.child.pid!, 'SIGTERM');
    await started.ended;
    expect(await answers(started.port)).toBe(false);
  });

  it('stops the example and frees its port when npm run is killed with SIGHUP', async () => {
    // npm dies of SIGHUP and forwards nothing; the shell stays, waiting on the runner.
    const started = await startLesson('npm', ['run', 'lesson', '02']);
    process.kill(started.child.pid!, 'SIGHUP');
    await started.ended;
    expect(await answers(started.port)).toBe(false);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`stops cleanly, with exit code 0, on ${signal} to the runner itself`, async () => {
      const started = await startLesson(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'lesson.ts'), '02']);
      started.child.kill(signal);
      expect(await started.ended).toEqual({ code: 0, signal: null });
      expect(await answers(started.port)).toBe(false);
    });
  }
});
