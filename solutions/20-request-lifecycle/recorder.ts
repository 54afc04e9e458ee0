/**
 * Reference solution for exercise 20 (a request's diary). Read it after your own
 * passes: `npm run solution 20`.
 */
import type { Tracer } from '../../lib/index.ts';

/** What the recorder reads of a request: the fields a `Tracer` is given. */
type Seen = Parameters<Tracer['started']>[0];
/** What the recorder reads of a resource. */
type SeenResource = Parameters<Tracer['arrived']>[1];
/** How the walk found a child: `'static'` (putChild) or `'dynamic'` (getChild). */
type Dispatch = Parameters<Tracer['child']>[4];

/** A short name for a resource: its class name (`YearPage`, `ErrorPage`). */
export function nameOf(resource: SeenResource): string {
  return resource.constructor.name;
}

/** Keeps, for each request, the list of steps the Site reported, one line each. */
export class StepRecorder implements Tracer {
  /** One diary per request that ended, in the order they ended. */
  readonly diaries: string[][] = [];
  /** Diaries still being written, by request: several requests may be in flight at once. */
  readonly #open = new Map<Seen, string[]>();

  started(request: Seen): void {
    this.#open.set(request, [`request ${request.method} ${request.uri}`]);
  }

  child(request: Seen, _parent: SeenResource, segment: string, child: SeenResource, dispatch: Dispatch): void {
    this.#note(request, `child "${segment}" → ${nameOf(child)} (${dispatch === 'static' ? 'putChild' : 'getChild'})`);
  }

  arrived(request: Seen, resource: SeenResource): void {
    this.#note(request, `arrived ${nameOf(resource)}, postpath ${JSON.stringify(request.postpath)}`);
  }

  rendering(request: Seen, resource: SeenResource, method: string): void {
    this.#note(request, `render ${nameOf(resource)}.${method}`);
  }

  finished(request: Seen): void {
    this.#note(request, `finish ${request.code}, ${request.sentLength} bytes`);
    this.#close(request);
  }

  lost(request: Seen): void {
    this.#note(request, 'lost');
    this.#close(request);
  }

  #note(request: Seen, line: string): void {
    this.#open.get(request)?.push(line);
  }

  #close(request: Seen): void {
    const diary = this.#open.get(request);
    if (diary === undefined) return;
    this.#open.delete(request);
    this.diaries.push(diary);
  }
}
