/**
 * Reference solution for exercise 12 (stop working for a client that has gone).
 * See exercises/12-interrupted/report.ts for the task.
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
    request.notifyFinish().catch(() => job.stop());
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
    this.#call?.cancel();
    this.#call = null;
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
