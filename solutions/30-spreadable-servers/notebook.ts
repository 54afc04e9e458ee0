/**
 * Exercise 30 · Bob's notebook, a personal server: reference solution.
 *
 * Links are relative to where the request says the notebook is mounted, so they work
 * behind the front server; the notebook is published as a ResourcePublisher on bob's
 * socket; the front's root is a UserDirectory over the passwd file.
 */
import {
  PasswdFile, Resource, ResourcePublisher, UserDirectory, escapeHTML, personalSocketPath,
  type IResource, type Request, type SiteOptions,
} from '../../lib/index.ts';

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
    // The public URL of each note: prePathURL names where the front server mounted us.
    const items = [...this.notes.keys()].map((name) => {
      const href = request.URLPath().child(name).toString();
      return `<li><a href="${escapeHTML(href)}">${escapeHTML(name)}</a></li>`;
    });
    return `<!DOCTYPE html>\n<html><body><h1>Bob's notes</h1>\n<ul>\n${items.join('\n')}\n</ul>\n</body></html>\n`;
  }
}

/** Serve `root` as a personal server on `home`'s socket; resolves once it listens. */
export async function publish(root: IResource, home: string, options: SiteOptions = {}): Promise<ResourcePublisher> {
  const site = new ResourcePublisher(root, options);
  await site.listen(`unix:${personalSocketPath(home)}`);
  return site;
}

/** The front server's root: every user of `passwdFile`, at /~name/ and /~name.loom/. */
export function frontRoot(passwdFile: string): IResource {
  return new UserDirectory({ users: new PasswdFile(passwdFile) });
}
