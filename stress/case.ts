/** What a stress case is, what it is given, and what it returns. */
import type { Target, Upstreams } from './servers.ts';

/** The groups a case belongs to; `npm run stress -- <group>` runs one. */
export type Group = 'hostile' | 'slow' | 'load' | 'soak' | 'abort' | 'fault';

export interface CaseResult {
  readonly passed: boolean;
  /** One line: what was tried and what came back. */
  readonly detail: string;
  /** Figures for the report: requests, errors, RSS slope, leaks. */
  readonly figures?: Readonly<Record<string, number | string>>;
  /** Set when the case could not run here (a missing program): neither passed nor failed. */
  readonly skipped?: string;
}

export interface Context {
  /** Shorter durations, for iterating on the suite itself. */
  readonly quick: boolean;
  /** The fixture tree (see servers.ts). */
  readonly root: string;
  /** The shared target, with every upstream configured. */
  readonly target: Target;
  readonly upstreams: Upstreams;
  /** A fresh target with extra environment, stopped when the case ends. */
  startTarget(env?: Readonly<Record<string, string>>): Promise<Target>;
  /** Progress output, indented under the case's name. */
  say(line: string): void;
}

export interface StressCase {
  /** Named after what it attacks: `traversal-cgi`, `slow-body`. */
  readonly name: string;
  readonly group: Group;
  /** The attack, in a sentence, for the progress output and the report. */
  readonly attacks: string;
  /** The longest it may take (quick mode or not); past it the case fails. */
  readonly limitSeconds: number;
  run(ctx: Context): Promise<CaseResult>;
}

export const pass = (detail: string, figures?: CaseResult['figures']): CaseResult => ({ passed: true, detail, ...(figures === undefined ? {} : { figures }) });
export const fail = (detail: string, figures?: CaseResult['figures']): CaseResult => ({ passed: false, detail, ...(figures === undefined ? {} : { figures }) });
export const skip = (why: string): CaseResult => ({ passed: false, detail: why, skipped: why });
/** Pass when `problems` is empty, else fail listing the first few. */
export const verdict = (problems: readonly string[], ok: string, figures?: CaseResult['figures']): CaseResult =>
  problems.length === 0 ? pass(ok, figures) : fail(`${problems.length} problem(s): ${problems.slice(0, 3).join('; ')}`, figures);
