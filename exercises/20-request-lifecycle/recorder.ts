/**
 * Exercise 20 · A request's diary.
 *
 * The Site tells a tracer about each step of a request's life, in order (lib/trace.ts,
 * the `Tracer` interface): `started` when the Request is made, `child` for each segment
 * the walk takes, `arrived` at the resource that will answer, `rendering` just before
 * its render method runs, and `finished` (or `lost`, when the client left first).
 *
 * Write `StepRecorder`, a tracer that keeps one diary per request: a list of lines, in
 * this form, for `GET /calendar/2009`:
 *
 *     request GET /calendar/2009
 *     child "calendar" → Calendar (putChild)
 *     child "2009" → YearPage (getChild)
 *     arrived YearPage, postpath []
 *     render YearPage.render_GET
 *     finish 200, 13 bytes
 *
 * - `child` says `putChild` when `dispatch` is `'static'`, `getChild` when `'dynamic'`.
 * - `arrived` shows the postpath left for the resource, as `JSON.stringify` writes it.
 * - `finish` gives `request.code` and `request.sentLength`; `lost` writes just `lost`.
 * - When a request finishes (or is lost), its diary goes onto the end of `diaries`.
 * - Requests can be in flight at the same time: keep each one's lines apart.
 *
 * Use `nameOf(resource)` for a resource's name. Grade with `npm run grade 20`; stuck?
 * `npm run hint 20`.
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

  // TODO: somewhere to keep the diaries still being written, one per request.

  started(_request: Seen): void {
    // TODO: begin this request's diary with `request METHOD URI`.
  }

  child(_request: Seen, _parent: SeenResource, _segment: string, _child: SeenResource, _dispatch: Dispatch): void {
    // TODO: `child "SEGMENT" → NAME (putChild)`, or `(getChild)` for a dynamic child.
  }

  arrived(_request: Seen, _resource: SeenResource): void {
    // TODO: `arrived NAME, postpath [...]`.
  }

  rendering(_request: Seen, _resource: SeenResource, _method: string): void {
    // TODO: `render NAME.METHOD`.
  }

  finished(_request: Seen): void {
    // TODO: `finish CODE, N bytes`, then move the diary onto `diaries`.
  }

  lost(_request: Seen): void {
    // TODO: `lost`, then move the diary onto `diaries`.
  }
}
