/**
 * Graded tests for exercise 30. Bob's home is a temporary folder and the users come from
 * a passwd file written there. Your `publish` puts the notebook on bob's socket; your
 * `frontRoot` is the front server, asked in memory; between the two, the request
 * crosses the real UNIX socket, as it would between two processes.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ResourcePublisher, UserDirectory, type IResource, type Site } from '../../lib/index.ts';
import { memoryLogger, request, testSite } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { Notebook, frontRoot, publish } = await subject<typeof import('./notebook.ts')>(import.meta.url, 'notebook.ts');

const NOTES = new Map([['first', 'Buy milk.'], ['second thoughts', 'Buy oat milk.']]);
const homes = realpathSync(mkdtempSync(join(tmpdir(), 'loom-ex30-')));
const passwd = join(homes, 'passwd');
writeFileSync(passwd, `bob:x:1002:1002:Bob:${homes}:/bin/sh\n`);

let personal: Site | null = null;
let front: Site;
let root: IResource;

beforeAll(async () => {
  root = frontRoot(passwd);
  front = testSite(root);
  try {
    personal = await publish(new Notebook(NOTES), homes, { logger: memoryLogger() });
  } catch {
    personal = null; // the publish test says what went wrong
  }
});

afterAll(async () => {
  await personal?.close();
  if (root instanceof UserDirectory) await root.close();
  rmSync(homes, { recursive: true, force: true });
});

describe('publish', () => {
  it("serves the notebook as a ResourcePublisher on bob's socket, home/.loom-web.sock", async () => {
    if (personal === null) throw new GradingError(`publish(new Notebook(…), '${homes}') threw or did not return a Site.`);
    if (!(personal instanceof ResourcePublisher)) throw new GradingError(`publish returned a ${personal.constructor.name}; a personal server is a ResourcePublisher.`);
    if (!existsSync(join(homes, '.loom-web.sock'))) throw new GradingError(`Nothing listens on ${join(homes, '.loom-web.sock')}: listen on \`unix:\${personalSocketPath(home)}\`.`);
  });

  it('resolves only once it listens, so that a failure to listen reaches the caller', async () => {
    const nowhere = join(homes, 'no-such-home');
    let site: Site | undefined;
    try {
      site = await publish(new Notebook(NOTES), nowhere, { logger: memoryLogger() });
    } catch {
      return; // rejected, as it should: nothing can listen in a folder that does not exist
    }
    await site?.close().catch(() => undefined);
    throw new GradingError(`publish(new Notebook(…), '${nowhere}'), a home that does not exist.\n` +
      '✗ expected it to reject, since no socket can be made there; it resolved. Await site.listen(…) before returning the site.');
  });
});

describe('frontRoot', () => {
  it('is a UserDirectory over the users of the passwd file', async () => {
    expectResponse(await request(front, { uri: '/' }), { code: 200, bodyIncludes: 'Bob (personal server)' }, `GET / on the front server; ${passwd} lists bob.`);
    expectResponse(await request(front, { uri: '/~nobody/' }), { code: 404 }, 'GET /~nobody/ on the front server: nobody is not in the passwd file.');
  });

  it("relays /~bob.loom/first to bob's notebook", async () => {
    expectResponse(await request(front, { uri: '/~bob.loom/first' }), { code: 200, body: 'Buy milk.' }, 'GET /~bob.loom/first on the front server.');
  });
});

describe('Notebook', () => {
  it('links each note where it is, behind the front server', async () => {
    const response = await request(front, { uri: '/~bob.loom/', headers: { host: 'www.example.org' } });
    expectResponse(response, { code: 200 }, 'GET /~bob.loom/ on the front server.');
    const page = 'http://www.example.org/~bob.loom/';
    const hrefs = [...response.text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const lands = hrefs.map((href) => new URL(href, page).pathname);
    const wanted = ['/~bob.loom/first', '/~bob.loom/second%20thoughts'];
    if (JSON.stringify(lands) !== JSON.stringify(wanted)) {
      throw new GradingError(`GET /~bob.loom/ on the front server; the page is ${page}\n  its links: ${JSON.stringify(hrefs)}\n  lead to:   ${JSON.stringify(lands)}\n✗ expected them to lead to ${JSON.stringify(wanted)}.`);
    }
  });

  it('links each note where it is when the list is asked for without its trailing slash, /~bob.loom', async () => {
    const response = await request(front, { uri: '/~bob.loom', headers: { host: 'www.example.org' } });
    expectResponse(response, { code: 200 }, 'GET /~bob.loom on the front server.');
    const page = 'http://www.example.org/~bob.loom';
    const hrefs = [...response.text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const lands = hrefs.map((href) => new URL(href, page).pathname);
    const wanted = ['/~bob.loom/first', '/~bob.loom/second%20thoughts'];
    if (JSON.stringify(lands) !== JSON.stringify(wanted)) {
      throw new GradingError(`GET /~bob.loom on the front server; the page is ${page}\n  its links: ${JSON.stringify(hrefs)}\n  lead to:   ${JSON.stringify(lands)}\n` +
        `✗ expected them to lead to ${JSON.stringify(wanted)}. A link written relative to the page alone ("first") goes wrong here; build it from the request.`);
    }
  });

  it('still links right when it is the root of its own site', async () => {
    const response = await request(testSite(new Notebook(NOTES)), { uri: '/' });
    const hrefs = [...response.text.matchAll(/href="([^"]*)"/g)].map((m) => new URL(m[1]!, 'http://localhost/').pathname);
    if (JSON.stringify(hrefs) !== JSON.stringify(['/first', '/second%20thoughts'])) {
      throw new GradingError(`GET / on the notebook alone\n  its links lead to ${JSON.stringify(hrefs)}\n✗ expected ["/first","/second%20thoughts"].`);
    }
  });
});
