import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../lib/app/options.ts';
import { DEFAULT_LISTEN, buildWebRoot, endpointsOf, startWebServer, webCommand, type WebConfig } from '../../lib/app/web.ts';
import { isLoomError } from '../../lib/errors.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import { File } from '../../lib/static/file.ts';
import { EncodingResourceWrapper } from '../../lib/encoding/wrapper.ts';
import { ResourcePublisher } from '../../lib/distrib/publisher.ts';
import { UserDirectory } from '../../lib/distrib/user-directory.ts';
import { RedisSessionStore } from '../../lib/session/redis.ts';
import { Site } from '../../lib/site.ts';
import { ResourceScriptWrapper } from '../../lib/script.ts';
import type { IResource } from '../../lib/resource.ts';
import { requires } from '../support/programs.ts';
import { makeCertificate } from '../support/tls.ts';

// One served folder for the whole file, with one file of each kind `loom web --path`
// knows, plus modules that --processor, --class and --gateway name.
const LIB = new URL('../../lib/index.ts', import.meta.url).pathname;
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-web-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  'package.json': '{"type":"module"}\n',
  'site/hello.txt': 'hello\n',
  'homes/alice/public_html/index.html': '<p>alice</p>\n',
  'site/noext': 'no extension\n',
  'site/page.html': '<p>page</p>\n',
  'site/sub/index.html': '<p>sub index</p>\n',
  'site/sub/main.html': '<p>sub main</p>\n',
  'site/clock.rsx.ts': `import { Resource } from '${LIB}';\nclass Clock extends Resource { override isLeaf = true; render_GET() { return 'tick'; } }\nexport const resource = new Clock();\n`,
  'site/moved.asis': 'HTTP/1.1 301 Moved Permanently\nLocation: /page.html\n\n',
  'site/upper.shout': 'quiet words\n',
  'site/info.php': '<?php echo "php";\n',
  'site/root.rsx.ts': `import { Resource } from '${LIB}';\nclass Root extends Resource { override isLeaf = true; render_GET() { return 'script root'; } }\nexport const resource = new Root();\n`,
  'modules/shout.ts': `import { Resource, type Registry } from '${LIB}';\nimport { readFileSync } from 'node:fs';\n` +
    `export class Shout extends Resource {\n  constructor(readonly path: string, readonly registry: Registry) { super(); }\n` +
    `  render_GET() { return readFileSync(this.path, 'utf8').toUpperCase(); }\n}\n`,
  'modules/root.ts': `import { Resource } from '${LIB}';\nexport default class Hello extends Resource { override isLeaf = true; render_GET() { return 'class root'; } }\n`,
  'modules/app.ts': `export const application = (environ: Record<string, unknown>, startResponse: (s: string, h: [string, string][]) => unknown) => {\n` +
    `  startResponse('200 OK', [['Content-Type', 'text/plain']]);\n  return ['gateway ' + String(environ.PATH_INFO)];\n};\n`,
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
}
writeFileSync(join(dir, 'site/env.cgi'), '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\ncgi $PATH_INFO"\n');
chmodSync(join(dir, 'site/env.cgi'), 0o755);

function configOf(...args: string[]): WebConfig {
  const parsed = parseCommand(webCommand(dir), args);
  if (parsed.kind !== 'config') throw new Error('expected a configuration');
  return parsed.config;
}

function usageErrorOf(...args: string[]): string {
  try {
    configOf(...args);
  } catch (error) {
    expect(isLoomError(error, 'LOOM_ERR_USAGE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

async function rootOf(...args: string[]): Promise<IResource> {
  return (await buildWebRoot(configOf(...args))).resource;
}

describe('loom web --path', () => {
  it('serves the folder as a File with resource scripts, CGI programs and as-is files', async () => {
    const root = await rootOf('--path', 'site');
    expect(root).toBeInstanceOf(File);
    expect((await request(root, { uri: '/hello.txt' })).text).toBe('hello\n');
    expect((await request(root, { uri: '/clock.rsx.ts' })).text).toBe('tick');
    expect((await request(root, { uri: '/env.cgi/more' })).text).toBe('cgi /more');
    const moved = await request(root, { uri: '/moved.asis' });
    expect(moved.code).toBe(301);
    expect(moved.headers.getLast('location')).toBe('/page.html');
  });

  it('refuses a --path that does not exist', () => {
    expect(usageErrorOf('--path', 'nowhere')).toBe('--path: no such file or directory: nowhere');
  });

  it('sets the default type with --mime-type, only after --path', async () => {
    expect(usageErrorOf('--mime-type', 'text/plain', '--path', 'site')).toBe('You can only use --mime-type after --path.');
    const root = await rootOf('--path', 'site', '-m', 'text/plain');
    expect((await request(root, { uri: '/noext' })).headers.getLast('content-type')).toContain('text/plain');
  });

  it('tries extensions in order with --ignore-ext, and any with --allow-ignore-ext, only after --path', async () => {
    expect(usageErrorOf('--ignore-ext', '.html')).toBe('You can only use --ignore-ext after --path.');
    expect(usageErrorOf('--allow-ignore-ext')).toBe('You can only use --allow-ignore-ext after --path.');
    expect((await request(await rootOf('--path', 'site', '--ignore-ext', '.txt', '--ignore-ext', '.html'), { uri: '/page' })).text).toBe('<p>page</p>\n');
    expect((await request(await rootOf('--path', 'site', '--allow-ignore-ext'), { uri: '/hello' })).text).toBe('hello\n');
    expect((await request(await rootOf('--path', 'site'), { uri: '/hello' })).code).toBe(404);
  });

  it('replaces the index names with --index, as Twisted does', async () => {
    const replaced = await request(await rootOf('--path', 'site', '--index', 'main.html'), { uri: '/sub/' });
    expect(replaced.text).toBe('<p>sub main</p>\n');
    const withoutDefault = await request(await rootOf('--index', 'nothing.html', '--path', 'site'), { uri: '/sub/' });
    expect(withoutDefault.text).toContain('Directory listing for /sub/');
    expect(usageErrorOf('--index', 'x.html')).toBe('--index only applies to a directory served with --path.');
  });

  it('adds a processor from a module with --processor EXT=MODULE:EXPORT, only after --path', async () => {
    expect(usageErrorOf('--processor', '.shout=./modules/shout.ts:Shout')).toBe('You can only use --processor after --path.');
    const root = await rootOf('--path', 'site', '--processor', '.shout=./modules/shout.ts:Shout');
    expect((await request(root, { uri: '/upper.shout' })).text).toBe('QUIET WORDS\n');
  });

  it("adds one of Loom's own exports by name with --processor .php=PHPScript", async () => {
    const config = configOf('--path', 'site', '--processor', 'php=PHPScript');
    const root = await buildWebRoot(config);
    expect(config.root.kind === 'path' && config.root.processors.has('.php')).toBe(true);
    expect(root.resource).toBeInstanceOf(File);
  });

  it('refuses a --processor without EXT=, or naming a module or export that is not there', async () => {
    expect(usageErrorOf('--path', 'site', '--processor', 'Shout')).toContain('--processor needs EXT=MODULE:EXPORT');
    await expect(rootOf('--path', 'site', '--processor', '.x=./modules/missing.ts:X')).rejects.toThrow(/cannot load \.\/modules\/missing\.ts/);
    await expect(rootOf('--path', 'site', '--processor', '.x=./modules/shout.ts:Whisper')).rejects.toThrow(/has no export named Whisper \(it exports: Shout\)/);
    await expect(rootOf('--path', 'site', '--processor', '.x=NoSuchThing')).rejects.toThrow(/Loom has no export named NoSuchThing/);
  });
});

describe('loom web root options', () => {
  it('serves a resource script as the root with --resource-script, run on every request', async () => {
    const root = await rootOf('--resource-script', 'site/root.rsx.ts');
    expect(root).toBeInstanceOf(ResourceScriptWrapper);
    expect((await request(root, { uri: '/' })).text).toBe('script root');
    expect(usageErrorOf('--resource-script', 'site/missing.rsx.ts')).toBe('--resource-script: no such file or directory: site/missing.rsx.ts');
  });

  it('makes the root with --class MODULE:EXPORT (the default export when none is named)', async () => {
    expect((await request(await rootOf('--class', './modules/root.ts'), { uri: '/' })).text).toBe('class root');
  });

  it('lets the last root option win', async () => {
    expect(await rootOf('--resource-script', 'site/root.rsx.ts', '--path', 'site')).toBeInstanceOf(File);
    expect(await rootOf('--path', 'site', '--resource-script', 'site/root.rsx.ts')).toBeInstanceOf(ResourceScriptWrapper);
    expect(usageErrorOf('--path', 'site', '--resource-script', 'site/root.rsx.ts', '--mime-type', 'x/y')).toBe('You can only use --mime-type after --path.');
  });

  it('serves a demo page when no root option is given', async () => {
    const response = await request(await rootOf(), { uri: '/' });
    expect(response.text).toContain('Loom Web Demo');
  });

  it('serves a gateway application on worker threads with --gateway and --gateway-threads', async () => {
    const built = await buildWebRoot(configOf('--gateway', './modules/app.ts:application', '--gateway-threads', '1'));
    try {
      expect((await request(built.resource, { uri: '/hi' })).text).toBe('gateway /hi');
    } finally {
      await built.stop();
    }
  });

  it('refuses a --gateway module or export that does not exist, as a usage error', async () => {
    await expect(buildWebRoot(configOf('--gateway', './modules/none.ts:application'))).rejects.toSatisfy((e) => isLoomError(e, 'LOOM_ERR_USAGE'));
    await expect(buildWebRoot(configOf('--gateway', './modules/app.ts:nothing'))).rejects.toSatisfy((e) => isLoomError(e, 'LOOM_ERR_USAGE'));
  });

  it('refuses --gateway-threads without --gateway, or that is not a positive whole number', () => {
    expect(usageErrorOf('--gateway-threads', '2')).toBe('--gateway-threads only applies with --gateway.');
    expect(usageErrorOf('--gateway', './modules/app.ts', '--gateway-threads', '0')).toContain('at least 1');
  });
});

describe('startWebServer', () => {
  it(`listens on every --listen and then every --port, and on ${DEFAULT_LISTEN} when neither is given`, async () => {
    const config = configOf('--port', 'tcp:0:interface=127.0.0.1', '--listen', 'tcp:0:interface=127.0.0.1', '--path', 'site');
    const server = await startWebServer(config, { logger: memoryLogger(), accessLog: null });
    try {
      expect(server.ports).toHaveLength(2);
      for (const port of server.ports) expect(await (await fetch(`${port.url}hello.txt`)).text()).toBe('hello\n');
    } finally {
      await server.stop();
    }
    expect(endpointsOf(configOf())).toEqual([DEFAULT_LISTEN]);
    expect(DEFAULT_LISTEN).toBe('tcp:8080');
    expect(endpointsOf(configOf('-p', '9000', '--listen', 'unix:/tmp/a.sock', '--listen', 'tcp:1'))).toEqual(['unix:/tmp/a.sock', 'tcp:1', '9000']);
  });

  it('writes the access log to --logfile', async () => {
    const log = join(dir, 'access.log');
    const server = await startWebServer(configOf('--path', 'site', '--listen', 'tcp:0:interface=127.0.0.1', '--logfile', log), { logger: memoryLogger() });
    await (await fetch(`${server.ports[0]!.url}hello.txt`)).text();
    await server.stop();
    expect(readFileSync(log, 'utf8')).toMatch(/"GET \/hello\.txt HTTP\/1\.1" 200 6 /);
  });

  it('sets the Site\'s timeouts from --timeout, --headers-timeout, --body-timeout, --body-min-rate and --response-timeout', async () => {
    const config = configOf('--listen', 'tcp:0:interface=127.0.0.1', '--timeout', '5', '--headers-timeout', '7', '--body-timeout', '9',
      '--body-min-rate', '0', '--response-timeout', '11.5');
    const server = await startWebServer(config, { logger: memoryLogger(), accessLog: null });
    expect(server.site.timeouts).toEqual({ idleTimeout: 5, headersTimeout: 7, bodyTimeout: 9, bodyMinRate: 0, responseTimeout: 11.5 });
    await server.stop();
    expect(usageErrorOf('--headers-timeout', '0')).toContain('greater than 0');
    expect(usageErrorOf('--body-min-rate', 'fast')).toContain('--body-min-rate needs a number');
  });

  it('shows tracebacks only with --display-tracebacks', async () => {
    expect(configOf().displayTracebacks).toBe(false);
    const server = await startWebServer(configOf('--display-tracebacks', '--listen', 'tcp:0:interface=127.0.0.1'), { logger: memoryLogger(), accessLog: null });
    expect(server.site.displayTracebacks).toBe(true);
    await server.stop();
  });
});

describe('loom web --user, --passwd and --personal', () => {
  writeFileSync(join(dir, 'passwd'), `alice:x:1001:1001:Alice:${join(dir, 'homes/alice')}:/bin/sh\n`);

  it('serves a UserDirectory with --user, over the users of --passwd', async () => {
    const built = await buildWebRoot(configOf('--user', '--passwd', 'passwd'));
    try {
      expect(built.resource).toBeInstanceOf(UserDirectory);
      expect((await request(built.resource, { uri: '/~alice/' })).text).toBe('<p>alice</p>\n');
      expect((await request(built.resource, { uri: '/~root/' })).code).toBe(404);
    } finally {
      await built.stop();
    }
  });

  it('refuses --passwd without --user, or naming no file', () => {
    expect(usageErrorOf('--passwd', 'passwd')).toBe('--passwd only applies with --user.');
    expect(usageErrorOf('--user', '--passwd', 'missing')).toBe('--passwd: no such file or directory: missing');
  });

  it('lets --user replace an earlier root, and a later root replace it', async () => {
    expect(configOf('--path', 'site', '--user').root.kind).toBe('user');
    expect(configOf('--user', '--path', 'site').root.kind).toBe('path');
  });

  it('serves a ResourcePublisher with --personal, on ~/.loom-web.sock by default (Twisted\'s rule)', async () => {
    const home = process.env.HOME;
    process.env.HOME = join(dir, 'homes/alice');
    try {
      expect(endpointsOf(configOf('--personal'))).toEqual([`unix:${join(dir, 'homes/alice/.loom-web.sock')}`]);
    } finally {
      process.env.HOME = home;
    }
    expect(endpointsOf(configOf('--personal', '--listen', 'tcp:1'))).toEqual(['tcp:1']);
    const server = await startWebServer(configOf('--personal', '--path', 'site', '--listen', `unix:${join(dir, 'p.sock')}`), { logger: memoryLogger(), accessLog: null });
    try {
      expect(server.site).toBeInstanceOf(ResourcePublisher);
    } finally {
      await server.stop();
    }
  });
});

describe('loom web --sessions, --log-format and --workers', () => {
  it('keeps sessions in Redis with --sessions redis://…, and in memory by default', async () => {
    expect(configOf().sessions).toBeNull();
    expect(configOf('--sessions', 'memory').sessions).toBeNull();
    const server = await startWebServer(configOf('--sessions', 'redis://127.0.0.1:1/0', '--listen', 'tcp:0:interface=127.0.0.1'), { logger: memoryLogger(), accessLog: null });
    try {
      expect(server.site.sessions).toBeInstanceOf(RedisSessionStore);
    } finally {
      (server.site.sessions as RedisSessionStore).client.disconnect();
      await server.stop();
    }
  });

  it('refuses a --sessions value that is neither memory nor a Redis URL', () => {
    expect(usageErrorOf('--sessions', 'redis')).toBe('--sessions needs "memory" or a Redis URL such as redis://127.0.0.1:6379/0, got "redis".');
    expect(usageErrorOf('--sessions', 'http://127.0.0.1:6379')).toContain('--sessions needs');
  });

  it('logs the first X-Forwarded-For address with --log-format proxied', async () => {
    const log = join(dir, 'proxied.log');
    const server = await startWebServer(configOf('--path', 'site', '--log-format', 'proxied', '--logfile', log, '--listen', 'tcp:0:interface=127.0.0.1'), { logger: memoryLogger() });
    await (await fetch(`${server.ports[0]!.url}hello.txt`, { headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } })).text();
    await server.stop();
    expect(readFileSync(log, 'utf8')).toMatch(/^"203\.0\.113\.9" - - /);
    expect(usageErrorOf('--log-format', 'json')).toBe('--log-format is "combined" or "proxied", got "json".');
  });

  it('takes --workers N, a whole number of at least 1', () => {
    expect(configOf().workers).toBe(1);
    expect(configOf('--workers', '3').workers).toBe(3);
    expect(usageErrorOf('--workers', '0')).toContain('at least 1');
  });

  it('makes a plain Site when not --personal', async () => {
    const server = await startWebServer(configOf('--listen', 'tcp:0:interface=127.0.0.1'), { logger: memoryLogger(), accessLog: null });
    expect(server.site).toBeInstanceOf(Site);
    expect(server.site).not.toBeInstanceOf(ResourcePublisher);
    await server.stop();
  });
});

describe('loom web --https, --certificate, --privkey', () => {
  it('adds an ssl: endpoint after every --listen and --port, with server.pem as both files by default', () => {
    expect(endpointsOf(configOf('--https', '8443', '--listen', 'tcp:1', '-p', '2'))).toEqual(['tcp:1', '2', `ssl:8443:privateKey=${dir}/server.pem`]);
    expect(endpointsOf(configOf('--https', '8443'))).toEqual([`ssl:8443:privateKey=${dir}/server.pem`]);
  });

  it('takes the certificate and key from -c and -k, before or after --https, relative to the working folder', () => {
    expect(endpointsOf(configOf('-c', 'tls/cert.pem', '--https', '443', '-k', 'tls/key.pem'))).toEqual([`ssl:443:privateKey=${dir}/tls/key.pem:certKey=${dir}/tls/cert.pem`]);
  });

  it('refuses --certificate or --privkey without --https, saying how to write the endpoint instead', () => {
    expect(usageErrorOf('--certificate', 'c.pem', '--listen', 'tcp:8080')).toBe(
      '--certificate and --privkey only apply with --https PORT; on a --listen endpoint write ssl:PORT:privateKey=KEY.pem:certKey=CERT.pem.');
    expect(usageErrorOf('-k', 'k.pem')).toContain('only apply with --https PORT');
  });

  it('refuses an --https that is not a port number', () => {
    expect(usageErrorOf('--https', 'ssl:443')).toBe('--https needs a port number from 0 to 65535, got "ssl:443".');
    expect(usageErrorOf('--https', '70000')).toContain('from 0 to 65535');
  });
});

describe('loom web --compress', () => {
  it('is off by default: twistd web has no such option', async () => {
    expect(configOf().compress).toBe(false);
    expect(await rootOf('--path', 'site')).not.toBeInstanceOf(EncodingResourceWrapper);
  });

  it('wraps the served root, outside --add-header', async () => {
    const root = await rootOf('--path', 'site', '--add-header', 'X-Test: 1', '--compress');
    expect(root).toBeInstanceOf(EncodingResourceWrapper);
    const response = await request(root, { uri: '/hello.txt', headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.getRawHeaders('x-test')).toEqual(['1']);
    expect(response.headers.getLast('vary')).toBe('Accept-Encoding');
  });
});

describe('loom web --add-header and --notracebacks', () => {
  it('adds each --add-header to every response, in order, appended', async () => {
    const root = await rootOf('--path', 'site', '--add-header', 'X-Frame-Options: DENY', '--add-header', 'X-Test:  1 ', '--add-header', 'X-Test: 2');
    for (const uri of ['/', '/hello.txt', '/missing']) {
      const response = await request(root, { uri });
      expect(response.headers.getRawHeaders('x-frame-options'), uri).toEqual(['DENY']);
      expect(response.headers.getRawHeaders('x-test'), uri).toEqual(['1', '2']);
    }
  });

  it('refuses an --add-header without "Name: value"', () => {
    expect(usageErrorOf('--add-header', 'X-Test')).toBe('--add-header needs "Name: value", e.g. --add-header "X-Frame-Options: DENY"; got "X-Test".');
    expect(usageErrorOf('--add-header', 'Bad Name: 1')).toContain('--add-header needs "Name: value"');
  });

  it('accepts --notracebacks and -n, which change nothing (tracebacks are off by default)', () => {
    expect(configOf('--notracebacks').displayTracebacks).toBe(false);
    expect(configOf('-n', '--display-tracebacks').displayTracebacks).toBe(true);
  });
});

requires('openssl').describe('startWebServer with --https', () => {
  it('serves the folder over TLS from the certificate and key given', async () => {
    const certificate = makeCertificate();
    const server = await startWebServer(configOf('--path', 'site', '--https', '0', '--certificate', certificate.cert, '--privkey', certificate.key),
      { logger: memoryLogger(), accessLog: null });
    try {
      const url = server.ports[0]!.url;
      expect(url).toMatch(/^https:\/\/localhost:\d+\/$/); // every interface: shown as localhost
      const { get } = await import('node:https');
      const text = await new Promise<string>((resolve, reject) => {
        get(`${url}hello.txt`, { ca: certificate.pem }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      expect(text).toBe('hello\n');
    } finally {
      await server.stop();
      certificate.remove();
    }
  });
});
