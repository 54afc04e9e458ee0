/**
 * @module
 * The resource-tree walk of each request, as events you can print: which segment was
 * consumed, what prepath and postpath became, whether the child was static
 * (`putChild`) or dynamic (`getChild`), where a leaf stopped the walk, which render
 * method ran, and the status and size of the answer.
 *
 * Twisted has no counterpart: it is what a learner would see in a debugger stepping
 * through `getChildForRequest` and `Request.render`. `npm run lesson NN -- --trace`
 * prints it. A Site without a tracer pays one null check per step.
 * The tracer only watches: it imports nothing of the core (only `assertNever` and
 * the colour palette), and sees a request and a
 * resource through the few fields it prints, so any module may report to it.
 * Tests: `test/trace.test.ts`.
 */

import { assertNever } from './errors.ts';
import { palette } from './plumbing/colors.ts';

/** What a tracer reads of a request. A `Request` has all of it. */
export interface TracedRequest {
  readonly method: string;
  readonly uri: string;
  readonly prepath: readonly string[];
  readonly postpath: readonly string[];
  readonly code: number;
  readonly sentLength: number;
}

/** What a tracer reads of a resource: whether it is a leaf. Its class gives its name. */
export interface TracedResource {
  readonly isLeaf: boolean;
}

/** How the walk found a child: `putChild`'s table, or `getChild`. */
export type Dispatch = 'static' | 'dynamic';

/** One step of a request's life, in the order they happen. */
export type TraceEvent =
  | { readonly kind: 'request'; readonly method: string; readonly uri: string; readonly postpath: readonly string[] }
  | { readonly kind: 'child'; readonly segment: string; readonly parent: string; readonly child: string;
      readonly dispatch: Dispatch; readonly prepath: readonly string[]; readonly postpath: readonly string[] }
  | { readonly kind: 'leaf'; readonly resource: string; readonly postpath: readonly string[] }
  | { readonly kind: 'render'; readonly resource: string; readonly method: string }
  | { readonly kind: 'finish'; readonly code: number; readonly bytes: number }
  | { readonly kind: 'lost' };

/** What traversal and rendering report to. The Site calls it only when one is set. */
export interface Tracer {
  started(request: TracedRequest): void;
  child(request: TracedRequest, parent: TracedResource, segment: string, child: TracedResource, dispatch: Dispatch): void;
  arrived(request: TracedRequest, resource: TracedResource): void;
  /** `method` is the render method that runs: `render_GET`, or `render` when the resource has its own. */
  rendering(request: TracedRequest, resource: TracedResource, method: string): void;
  finished(request: TracedRequest): void;
  lost(request: TracedRequest): void;
}

/** A tracer that collects each request's events and hands them over when it ends. */
export class EventTracer implements Tracer {
  readonly #events = new WeakMap<TracedRequest, TraceEvent[]>();
  readonly #onRequest: (events: readonly TraceEvent[], request: TracedRequest) => void;

  constructor(onRequest: (events: readonly TraceEvent[], request: TracedRequest) => void) {
    this.#onRequest = onRequest;
  }

  started(request: TracedRequest): void {
    this.#events.set(request, [{ kind: 'request', method: request.method, uri: request.uri, postpath: [...request.postpath] }]);
  }

  child(request: TracedRequest, parent: TracedResource, segment: string, child: TracedResource, dispatch: Dispatch): void {
    this.#push(request, { kind: 'child', segment, parent: describeResource(parent), child: describeResource(child), dispatch,
      prepath: [...request.prepath], postpath: [...request.postpath] });
  }

  arrived(request: TracedRequest, resource: TracedResource): void {
    if (resource.isLeaf && request.postpath.length > 0) {
      this.#push(request, { kind: 'leaf', resource: describeResource(resource), postpath: [...request.postpath] });
    }
  }

  rendering(request: TracedRequest, resource: TracedResource, method: string): void {
    this.#push(request, { kind: 'render', resource: describeResource(resource), method });
  }

  finished(request: TracedRequest): void {
    this.#push(request, { kind: 'finish', code: request.code, bytes: request.sentLength });
    this.#flush(request);
  }

  lost(request: TracedRequest): void {
    this.#push(request, { kind: 'lost' });
    this.#flush(request);
  }

  #push(request: TracedRequest, event: TraceEvent): void {
    this.#events.get(request)?.push(event);
  }

  #flush(request: TracedRequest): void {
    const events = this.#events.get(request);
    if (events === undefined) return;
    this.#events.delete(request);
    this.#onRequest(events, request);
  }
}

/** A short name for a resource in a trace: its class, and the status for error pages. */
export function describeResource(resource: TracedResource): string {
  const name = resource.constructor.name || 'anonymous resource';
  const code = (resource as { code?: unknown }).code;
  return typeof code === 'number' ? `${name}(${code})` : name;
}

/** Options for {@link formatTrace}. */
export interface FormatOptions {
  /** Use ANSI colours (for a terminal). */
  color?: boolean;
}

// #region trace-format
/** Print a request's events as an indented, readable walk. */
export function formatTrace(events: readonly TraceEvent[], options: FormatOptions = {}): string {
  const c = palette(options.color === true);
  const lines: string[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'request':
        lines.push(`${c.bold(`${e.method} ${e.uri}`)}  postpath=${show(e.postpath)}`);
        break;
      case 'child':
        lines.push(`  ${c.cyan(`"${e.segment}"`)} ${e.parent} → ${c.bold(e.child)} ${c.dim(`(${e.dispatch === 'static' ? 'putChild' : 'getChild'})`)}` +
          `  prepath=${show(e.prepath)} postpath=${show(e.postpath)}`);
        break;
      case 'leaf':
        lines.push(`  ${c.yellow('leaf')}: ${e.resource}.isLeaf stopped the walk; postpath=${show(e.postpath)} is left for it`);
        break;
      case 'render':
        lines.push(`  ${c.green('render')}: ${e.resource}.${e.method}()`);
        break;
      case 'finish':
        lines.push(`  ${e.code >= 400 ? c.red(String(e.code)) : c.green(String(e.code))} ${e.bytes} bytes`);
        break;
      case 'lost':
        lines.push(`  ${c.red('client went away before finish()')}`);
        break;
      default:
        assertNever(e, 'trace event');
    }
  }
  return lines.join('\n');
}
// #endregion trace-format

function show(segments: readonly string[]): string {
  return `[${segments.map((s) => JSON.stringify(s)).join(', ')}]`;
}
