/**
 * What the distrib tests share: a personal site that reports how it saw each request,
 * and a temporary home to publish it in.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentKey } from '../../lib/session/components.ts';
import { NOT_DONE_YET, Resource, type IResource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';

/** How the personal site saw a request. */
export interface Seen {
  readonly uri: string;
  readonly prepath: string[];
  readonly postpath: string[];
  readonly sitepath: string[];
  readonly client: { type: string; host: string; port: number };
  readonly hostHeader: string | null;
  readonly secure: boolean;
  readonly prePathURL: string;
  readonly session: string;
  readonly visits: number;
  readonly body: string;
  readonly forged: string | null;
}

const Visits = new ComponentKey<number>('visits');

/** A leaf that answers with {@link Seen} as JSON and counts visits in its session. */
export class Reporter extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    return JSON.stringify(seen(request));
  }
  render_POST(request: Request): string {
    return JSON.stringify(seen(request));
  }
}

function seen(request: Request): Seen {
  const session = request.getSession();
  const visits = (session.getComponent(Visits) ?? 0) + 1;
  session.setComponent(Visits, visits);
  request.setHeader('content-type', 'application/json');
  return {
    uri: request.uri, prepath: request.prepath, postpath: request.postpath, sitepath: request.sitepath,
    client: request.getClientAddress(), hostHeader: request.getHeader('host') ?? null, secure: request.isSecure(),
    prePathURL: request.prePathURL(), session: session.uid, visits, body: request.content.text(),
    forged: request.getHeader('x-forged') ?? null,
  };
}

/** A leaf that never answers: a personal server that is up but stuck. */
export class Stuck extends Resource {
  override isLeaf = true;
  render_GET(): typeof NOT_DONE_YET {
    return NOT_DONE_YET;
  }
}

/** The personal site: `/report/…` reports, `/stuck` never answers. */
export function personalRoot(): IResource {
  const root = new Resource();
  root.putChild('report', new Reporter());
  root.putChild('stuck', new Stuck());
  return root;
}

/** A temporary home folder (its real path, so socket paths compare equal). */
export function tempHome(prefix = 'loom-home-'): { path: string; remove(): void } {
  const path = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
