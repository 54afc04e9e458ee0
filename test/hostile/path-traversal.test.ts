/**
 * Hostile input: path traversal, the way an attacker sends it, over real sockets.
 *
 * `loom web --path` (a File with resource scripts and CGI programs in it), a
 * CGIDirectory and a ResourceScriptDirectory are each asked for what lies outside them,
 * with every spelling of `..` and `/` an attacker tries (percent-encoded, double-encoded,
 * overlong UTF-8, backslashes, NUL). Beside the served folder sits a secret file, a CGI
 * program and a resource script that each print the secret: whether a request read,
 * ran or imported something outside, the secret would come back. The in-memory property
 * test of File (test/static/file.security.test.ts) covers File's insides; this one is
 * the wire.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, webCommand, type WebServer } from '../../lib/app/web.ts';
import { parseCommand } from '../../lib/app/options.ts';
import { CGIDirectory } from '../../lib/cgi.ts';
import { Resource } from '../../lib/resource.ts';
import { ResourceScriptDirectory } from '../../lib/script.ts';
import { Site } from '../../lib/site.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { rawRequest } from '../support/raw-http.ts';
import { makeTree, type MadeTree } from '../support/temp-tree.ts';

const SECRET = 'OUTSIDE-SECRET-7731';
const LIB = new URL('../../lib/index.ts', import.meta.url).pathname;
const SCRIPT = `import { Resource } from '${LIB}';\nclass R extends Resource { override isLeaf = true; render_GET() { return ${JSON.stringify(SECRET)}; } }\nexport const resource = new R();\n`;
const CGI = `#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n${SECRET}'\n`;

let tree: MadeTree;
let web: WebServer;
let dirs: Site;
let webPort: number;
let dirsPort: number;

beforeAll(async () => {
  tree = makeTree({
    'outside-secret.txt': SECRET,
    'outside-evil.cgi': CGI,
    'outside-evil.rsx.ts': SCRIPT,
    served: {
      'hello.txt': 'hello',
      'sub': { 'inner.txt': 'inner' },
      'cgi-bin': { 'ok.cgi': '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\ncgi ok"\n' },
      'scripts': { 'ok.rsx.ts': SCRIPT.replace(JSON.stringify(SECRET), '"script ok"') },
      'link.txt': { symlink: '../outside-secret.txt' },
    },
  }, 'loom-hostile-');
  chmodSync(tree.path('outside-evil.cgi'), 0o755);
  chmodSync(tree.path('served', 'cgi-bin', 'ok.cgi'), 0o755);
  writeFileSync(tree.path('package.json'), '{"type":"module"}\n');
  const parsed = parseCommand(webCommand(tree.root), ['--path', 'served', '--listen', 'tcp:0:interface=127.0.0.1']);
  if (parsed.kind !== 'config') throw new Error('expected a configuration');
  web = await startWebServer(parsed.config, { logger: memoryLogger(), accessLog: null });
  webPort = web.ports[0]!.address.port;
  const root = new Resource();
  root.putChild('cgi', new CGIDirectory(tree.path('served', 'cgi-bin')));
  root.putChild('rsx', new ResourceScriptDirectory(tree.path('served', 'scripts')));
  dirs = new Site(root, { logger: memoryLogger() });
  dirsPort = (await dirs.listen('tcp:0:interface=127.0.0.1')).address.port;
}, 30_000);

afterAll(async () => {
  await web?.stop();
  await dirs?.close();
  tree?.remove();
});

/** Spellings of the parent directory. */
const DOTS = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '%c0%ae%c0%ae', '%uff0e%uff0e', '..%00', '....'];
/** Spellings of the separator between them. */
const SLASHES = ['/', '%2f', '%2F', '%252f', '\\', '%5c', '%5C', '%c0%af', '//', '/./'];
/** What lies outside, one and two levels up from the mount point. */
const TARGETS = ['outside-secret.txt', 'outside-evil.cgi', 'outside-evil.rsx.ts', 'outside-evil.cgi/extra', 'etc/passwd'];

/** Every path to try below `mount`: depth 1 and 3 of each dots/slash pair, to each target. */
function attacks(mount: string): string[] {
  const paths = new Set<string>();
  for (const dots of DOTS) {
    for (const slash of SLASHES) {
      for (const depth of [1, 3]) {
        for (const target of TARGETS) paths.add(`${mount}${`${dots}${slash}`.repeat(depth)}${target}`);
      }
    }
  }
  for (const extra of ['/served/../outside-secret.txt', '//outside-secret.txt', '/link.txt', '/%2e%2e%2foutside-secret.txt%00.txt', '/sub/..%2f..%2foutside-secret.txt']) {
    paths.add(`${mount}${extra.slice(1)}`);
  }
  return [...paths];
}

/** Send each path and return those whose answer was not a refusal or a file inside. */
async function leaks(port: number, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  // A few at a time: enough to be quick, few enough for a busy machine.
  for (let i = 0; i < paths.length; i += 16) {
    const answers = await Promise.all(paths.slice(i, i + 16).map(async (path) => ({ path, answer: await rawRequest(port, path) })));
    for (const { path, answer } of answers) {
      if (answer.text.includes(SECRET) || answer.text.includes('root:x:0:0') || answer.status >= 500) found.push(`${answer.status} ${path}`);
    }
  }
  return found;
}

describe('path traversal over the wire (hostile input)', () => {
  it('serves what is inside, so the refusals below are not a server that refuses everything', async () => {
    expect((await rawRequest(webPort, '/hello.txt')).text).toBe('hello');
    expect((await rawRequest(webPort, '/cgi-bin/ok.cgi')).text).toBe('cgi ok');
    expect((await rawRequest(webPort, '/scripts/ok.rsx.ts')).text).toBe('script ok');
    expect((await rawRequest(dirsPort, '/cgi/ok.cgi')).text).toBe('cgi ok');
    expect((await rawRequest(dirsPort, '/rsx/ok.rsx.ts')).text).toBe('script ok');
  });

  it('finds the way out of a naive server that joins the decoded path to its folder (the attacks can succeed)', async () => {
    const naive = createServer((req, res) => {
      try {
        res.end(readFileSync(join(tree.path('served'), decodeURIComponent(req.url ?? '/'))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => naive.listen(0, '127.0.0.1', resolve));
    const { port } = naive.address() as { port: number };
    try {
      expect((await leaks(port, attacks('/'))).length).toBeGreaterThan(10);
    } finally {
      naive.close();
    }
  }, 60_000);

  it('security: reads, runs and imports nothing outside loom web --path, in any encoding', async () => {
    const paths = [...attacks('/'), ...attacks('/sub/'), ...attacks('/cgi-bin/'), ...attacks('/scripts/')];
    expect(paths.length).toBeGreaterThan(500);
    expect(await leaks(webPort, paths)).toEqual([]);
  }, 60_000);

  it('security: runs nothing outside a CGIDirectory, and imports nothing outside a ResourceScriptDirectory', async () => {
    const paths = [...attacks('/cgi/'), ...attacks('/rsx/')];
    expect(await leaks(dirsPort, paths)).toEqual([]);
  }, 60_000);
});
