/**
 * Exercise 12: stop working for a client that has gone.
 *
 * `Report` is a leaf resource that builds a report in steps, one a second, writing each
 * step's line as soon as it is done and "Report complete." after the last one. A
 * `ReportJob` does the work for one request: it keeps the call it has scheduled for
 * the next step in `#call`. Both are written for you, and a client that waits for the
 * whole report already gets it.
 *
 * What is missing: a client that hangs up halfway (closes the tab, presses Ctrl-C,
 * times out) leaves the job running, calling `work` for every remaining step for
 * nobody. Make the report stop as soon as the client goes away:
 *   - no further step runs (`work` is not called again);
 *   - nothing is left scheduled on the clock;
 *   - `finish()` is never called for a client that has left (the Site warns if it is).
 *
 * Check your work with `npm run grade 12`. Stuck? `npm run hint 12`.
 */
import { NOT_DONE_YET, Resource, type Clock, type DelayedCall, type Request } from '../../lib/index.ts';

/** Does the work of one step and returns its line of the report. */
export type Work = (step: number, steps: number) => string;

const defaultWork: Work = (step, steps) => `Step ${step} of ${steps}: counted ${step * 1000} rows.\n`;

export class Report extends Resource {
  override isLeaf = true;
  readonly clock: Clock;
  readonly steps: number;
  readonly work: Work;

  constructor(clock: Clock, steps = 5, work: Work = defaultWork) {
    super();
    this.clock = clock;
    this.steps = steps;
    this.work = work;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    const job = new ReportJob(this, request);
    job.start();
    // TODO 1: when the client goes away, stop the job. request.notifyFinish() returns
    //         a Promise-like that rejects then; request.signal is an AbortSignal that
    //         aborts then. Use either one.
    return NOT_DONE_YET;
  }
}

/** The work for one request: one step a second, then the end of the report. */
export class ReportJob {
  readonly #report: Report;
  readonly #request: Request;
  /** The call scheduled for the next step, or null when none is. */
  #call: DelayedCall | null = null;

  constructor(report: Report, request: Request) {
    this.#report = report;
    this.#request = request;
  }

  start(): void {
    this.#schedule(1);
  }

  /** Called when the client has gone away. */
  stop(): void {
    // TODO 2: cancel the call scheduled for the next step, if there is one.
  }

  #schedule(step: number): void {
    this.#call = this.#report.clock.callLater(1, () => this.#run(step));
  }

  #run(step: number): void {
    this.#call = null;
    const { steps, work } = this.#report;
    this.#request.write(work(step, steps));
    if (step < steps) {
      this.#schedule(step + 1);
    } else {
      this.#request.write('Report complete.\n');
      this.#request.finish();
    }
  }
}
