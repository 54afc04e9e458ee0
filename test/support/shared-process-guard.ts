/**
 * Run before every test file (vitest.config.ts `setupFiles`). Test files share worker
 * processes (`isolate: false`), so a file that leaves an environment variable set, a
 * process listener attached or the working directory changed would change how later
 * files run, depending on which worker they land in. This fails the file that did it.
 */
import { afterAll, beforeAll, expect } from 'vitest';

/** Process events a test (or the code under test) might listen to and forget. */
const EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection', 'warning'] as const;

let env: Record<string, string | undefined> = {};
let listeners: Record<string, number> = {};
let cwd = '';

beforeAll(() => {
  env = { ...process.env };
  listeners = listenerCounts();
  cwd = process.cwd();
});

afterAll(() => {
  expect(changedVariables(env), 'environment variables this file changed and did not put back').toEqual([]);
  expect(listenerCounts(), 'process listeners this file added and did not remove').toEqual(listeners);
  expect(process.cwd(), 'working directory').toBe(cwd);
});

function listenerCounts(): Record<string, number> {
  return Object.fromEntries(EVENTS.map((event) => [event, process.listenerCount(event)]));
}

function changedVariables(before: Record<string, string | undefined>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(process.env)]);
  return [...names].filter((name) => before[name] !== process.env[name]).sort();
}
