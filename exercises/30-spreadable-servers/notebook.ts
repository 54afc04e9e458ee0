/**
 * Exercise 30 · Bob's notebook, a personal server.
 *
 * Bob keeps his notes on his own server, reached through the machine's front server at
 * `/~bob.loom/`. `Notebook` is its root: `/` lists the notes with a link to each, and
 * `/NAME` shows one note. Three things to do:
 *
 * 1. The list's links are written `/first`. On bob's server alone that works, but behind
 *    the front server the browser follows it to the *front's* `/first`, which is not
 *    bob's. Build each link so that it works wherever the notebook is mounted: the
 *    request knows where that is (`request.prepath` has what the front walked;
 *    `request.childLink(name)`, or `request.URLPath().child(name)`, build on it).
 * 2. `publish(root, home)`: serve `root` as bob's personal server, a
 *    `ResourcePublisher`, listening on the socket a personal server uses in `home`
 *    (`personalSocketPath(home)`, which is `home/.loom-web.sock`). Return the Site once
 *    it listens.
 * 3. `frontRoot(passwdFile)`: the front server's root, a `UserDirectory` whose users come
 *    from the passwd-format file `passwdFile` (a `PasswdFile`).
 *
 * Grade with `npm run grade 30`; stuck? `npm run hint 30`.
 */
import { Resource, escapeHTML, type IResource, type Request, type ResourcePublisher, type SiteOptions } from '../../lib/index.ts';

/** One note: its text, as plain text. */
export class Note extends Resource {
  override isLeaf = true;
  readonly text: string;

  constructor(text: string) {
    super();
    this.text = text;
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return this.text;
  }
}

/** Bob's notebook: `/` lists the notes, `/NAME` is one. */
export class Notebook extends Resource {
  readonly notes: ReadonlyMap<string, string>;

  constructor(notes: ReadonlyMap<string, string>) {
    super();
    this.notes = notes;
  }

  override getChild(name: string, request: Request): IResource {
    if (name === '') return this;
    const text = this.notes.get(name);
    return text === undefined ? super.getChild(name, request) : new Note(text);
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    // TODO 1: these links only work when the notebook is the root of the whole site.
    const items = [...this.notes.keys()].map((name) => `<li><a href="/${escapeHTML(encodeURIComponent(name))}">${escapeHTML(name)}</a></li>`);
    return `<!DOCTYPE html>\n<html><body><h1>Bob's notes</h1>\n<ul>\n${items.join('\n')}\n</ul>\n</body></html>\n`;
  }
}

/** Serve `root` as a personal server on `home`'s socket; resolves once it listens. */
export async function publish(root: IResource, home: string, options: SiteOptions = {}): Promise<ResourcePublisher> {
  // TODO 2: new ResourcePublisher(root, options), listening on `unix:${personalSocketPath(home)}`.
  throw new Error(`publish is not written yet (asked to publish ${root.constructor.name} in ${home} with ${Object.keys(options).length} options).`);
}

/** The front server's root: every user of `passwdFile`, at /~name/ and /~name.loom/. */
export function frontRoot(passwdFile: string): IResource {
  // TODO 3: a UserDirectory over new PasswdFile(passwdFile).
  void passwdFile;
  return new Resource();
}
