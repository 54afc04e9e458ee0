/**
 * Runs one of the workbook commands (tools/*.ts) as a child process, the way
 * `npm run NAME` does but without npm in between: `node --import tsx tools/NAME.ts`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../tools/grading/subject.ts';

/** How a command ended. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for a command under test: this one, the workbook at `root`, no colour,
 * and none of the flags npm hands on as `npm_config_*` (a test run started as
 * `npm test --verbose` must not turn on --verbose in the commands it runs). A name that
 * `extra` sets to `undefined` is left out.
 */
export function toolEnv(root: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const flag of ['trace', 'watch', 'verbose', 'all']) delete env[`npm_config_${flag}`];
  delete env.FORCE_COLOR;
  Object.assign(env, { LOOM_ROOT: root, NO_COLOR: '1' }, extra);
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}

/** Run `tools/<script>` with `args`, the workbook at `root`, and wait for it to exit. */
export function runTool(script: string, args: readonly string[], options: { root: string; env?: Record<string, string | undefined> }): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', script), ...args], {
      cwd: ROOT,
      env: toolEnv(options.root, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
