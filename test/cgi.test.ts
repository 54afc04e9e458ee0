import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CGIDirectory, CGIScript, FilteredScript, PHPScript, cgiEnvironment, isindexArguments,
} from '../lib/cgi.ts';
import { isLoomError } from '../lib/errors.ts';
import { Resource } from '../lib/resource.ts';
import type { Site } from '../lib/site.ts';
import { makeRequest, request, testSite } from '../lib/testing.ts';
import { connect } from './support/raw-http.ts';
import { requires } from './support/programs.ts';

const perl = requires('perl');
const phpCgi = requires('php-cgi');

// Every program here runs for real: small shell scripts written into a temporary folder
// (so each test shows the whole script it runs), plus Perl and php-cgi where installed.
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-cgi-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** Write an executable script and return its path. */
function program(text: string, name = `s${++count}.cgi`): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

/** A root with `script` mounted at /cgi/NAME. */
function mount(script: Resource, name = 'x.cgi'): Resource {
  const root = new Resource();
  const cgi = new Resource();
  root.putChild('cgi', cgi);
  cgi.putChild(name, script);
  return root;
}

/** Prints every variable, one per line, then the arguments. */
const ENV_SCRIPT = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
env | sort
printf 'argv:'
for a in "$@"; do printf ' [%s]' "$a"; done
echo
`;

function envOf(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && /^[A-Z_][A-Z0-9_]*$/.test(line.slice(0, eq))) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

describe('CGIScript', () => {
  it("runs the script and answers with its headers and output", async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\nX-Answer: 42\\n\\nhello from sh\\n"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.code).toBe(200);
    expect(response.headers.getRawHeaders('content-type')).toEqual(['text/plain']);
    expect(response.headers.getLast('x-answer')).toBe('42');
    expect(response.text).toBe('hello from sh\n');
  });

  it('ignores the Server and Date headers the script sends', async () => {
    const script = program('#!/bin/sh\nprintf "Server: Fake/1.0\\nDate: Thu, 01 Jan 1970 00:00:00 GMT\\nContent-Type: text/plain\\n\\nbody"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.headers.getRawHeaders('server')).toEqual([response.request.site!.serverHeader]);
    expect(response.headers.getRawHeaders('date')).toBeUndefined();
  });

  it('sends no default Content-Type beside the one the script gave, and none when it gave none', async () => {
    const typed = program('#!/bin/sh\nprintf "Content-Type: image/png\\n\\nx"\n');
    expect((await request(mount(new CGIScript(typed)), { uri: '/cgi/x.cgi' })).headers.getRawHeaders('content-type')).toEqual(['image/png']);
    const untyped = program('#!/bin/sh\nprintf "X-Only: 1\\n\\nx"\n');
    expect((await request(mount(new CGIScript(untyped)), { uri: '/cgi/x.cgi' })).headers.getRawHeaders('content-type')).toBeUndefined();
  });

  it('keeps duplicate headers', async () => {
    const script = program('#!/bin/sh\nprintf "Set-Cookie: a=1\\nSet-Cookie: b=2\\nX-Dup: one\\nX-Dup: two\\n\\n"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.headers.getRawHeaders('x-dup')).toEqual(['one', 'two']);
    expect(response.headers.getRawHeaders('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('logs and skips malformed header lines', async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\nthis is not a header\\nBad Name: x\\nX-Good: yes\\n\\nbody"\n');
    const site = testSite(mount(new CGIScript(script)));
    const response = await request(site, { uri: '/cgi/x.cgi' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('x-good')).toBe('yes');
    expect(response.text).toBe('body');
    const warnings = site.logger.messages.filter((m) => m.level === 'warn').map((m) => m.message);
    expect(warnings.some((w) => w.includes('malformed header line') && w.includes('this is not a header'))).toBe(true);
    expect(warnings.some((w) => w.includes('Bad Name: x'))).toBe(true);
  });

  it('accepts every blank-line style that can end the header block', async () => {
    for (const [ending, label] of [['\\r\\n\\r\\n', 'crlf'], ['\\n\\n', 'lf'], ['\\r\\r', 'cr'], ['\\n\\r\\n', 'mixed']] as const) {
      const script = program(`#!/bin/sh\nprintf "X-Style: ${label}${ending}body-${label}"\n`);
      const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
      expect(response.headers.getLast('x-style'), label).toBe(label);
      expect(response.text, label).toBe(`body-${label}`);
    }
  });

  it('takes the status code and reason phrase from a Status header', async () => {
    const script = program('#!/bin/sh\nprintf "Status: 404 Gone Fishing\\nContent-Type: text/plain\\n\\nnot here"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.code).toBe(404);
    expect(response.message).toBe('Gone Fishing');
    expect(response.headers.getRawHeaders('status')).toBeUndefined();
  });

  it('answers 302 for a Location header, unless an explicit Status says otherwise (in either order)', async () => {
    const redirect = program('#!/bin/sh\nprintf "Location: /elsewhere\\n\\n"\n');
    const moved = await request(mount(new CGIScript(redirect)), { uri: '/cgi/x.cgi' });
    expect(moved.code).toBe(302);
    expect(moved.headers.getLast('location')).toBe('/elsewhere');
    for (const block of ['Status: 301 Moved Permanently\\nLocation: /new', 'Location: /new\\nStatus: 301 Moved Permanently']) {
      const script = program(`#!/bin/sh\nprintf "${block}\\n\\n"\n`);
      expect((await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' })).code).toBe(301);
    }
  });

  it('logs and ignores a Status header that has no valid final code (none, or a 1xx)', async () => {
    for (const status of ['soon', '100 Continue', '42']) {
      const script = program(`#!/bin/sh\nprintf "Status: ${status}\\n\\nok"\n`);
      const site = testSite(mount(new CGIScript(script)));
      expect((await request(site, { uri: '/cgi/x.cgi' })).code, status).toBe(200);
      expect(site.logger.messages.some((m) => m.message.includes('invalid Status header')), status).toBe(true);
    }
  });

  it("drops the script's Content-Length, so Loom frames the body itself", async () => {
    const script = program('#!/bin/sh\nprintf "Content-Length: 999\\nContent-Type: text/plain\\n\\nshort"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.headers.getLast('content-length')).toBeUndefined();
    expect(response.text).toBe('short');
  });

  it('answers 500 "Premature end of script headers." when output ends inside the headers, and logs it', async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\nX-Half: yes"\n');
    const site = testSite(mount(new CGIScript(script)));
    const response = await request(site, { uri: '/cgi/x.cgi' });
    expect(response.code).toBe(500);
    expect(response.text).toContain('CGI Script Error');
    expect(response.text).toContain('Premature end of script headers.');
    expect(site.logger.messages.some((m) => m.level === 'error' && m.message.includes('Premature end of script headers'))).toBe(true);
  });

  it('answers 500 for a script that prints nothing at all', async () => {
    const script = program('#!/bin/sh\nexit 0\n');
    expect((await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' })).code).toBe(500);
  });

  it('answers 500 when the header block never ends, and stops the script', async () => {
    const script = program('#!/bin/sh\nwhile true; do printf "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\n"; done\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.code).toBe(500);
    expect(response.text).toContain('more header text');
  });

  it('logs a non-zero exit code and what the script wrote to stderr', async () => {
    const script = program('#!/bin/sh\necho "something went wrong" >&2\nprintf "Content-Type: text/plain\\n\\npartial"\nexit 3\n');
    const site = testSite(mount(new CGIScript(script)));
    const response = await request(site, { uri: '/cgi/x.cgi' });
    expect(response.text).toBe('partial');
    const messages = site.logger.messages.map((m) => m.message);
    expect(messages.some((m) => m.includes('exited with code 3'))).toBe(true);
    expect(messages.some((m) => m.includes('something went wrong'))).toBe(true);
  });

  it('answers 500 and logs a hint when the script is not executable', async () => {
    const path = program('#!/bin/sh\necho hi\n');
    chmodSync(path, 0o644);
    const site = testSite(mount(new CGIScript(path)));
    expect((await request(site, { uri: '/cgi/x.cgi' })).code).toBe(500);
    const logged = site.logger.messages.find((m) => m.level === 'error')?.error;
    expect(isLoomError(logged, 'LOOM_ERR_CGI_SPAWN')).toBe(true);
    expect((logged as Error).message).toContain('chmod +x');
  });

  it('answers 500 when the program does not exist', async () => {
    const site = testSite(mount(new CGIScript(join(dir, 'no-such-program.cgi'))));
    expect((await request(site, { uri: '/cgi/x.cgi' })).code).toBe(500);
  });
});

describe('CGI input', () => {
  it('gives an empty body as CONTENT_LENGTH 0 and an immediate end of input', async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho "length=$CONTENT_LENGTH"\ncat\necho "[eof]"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi' });
    expect(response.text).toBe('length=0\n[eof]\n');
  });

  it('passes a body the script reads by its CONTENT_LENGTH', async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nhead -c "$CONTENT_LENGTH"\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi', method: 'POST', body: 'name=loom&x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.text).toBe('name=loom&x=1');
  });

  it('closes stdin after the body, so a script that reads to the end finishes', async () => {
    const body = 'x'.repeat(200_000); // larger than a pipe buffer, written in pieces
    const script = program('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nwc -c\n');
    const response = await request(mount(new CGIScript(script)), { uri: '/cgi/x.cgi', method: 'PUT', body });
    expect(response.text.trim()).toBe('200000');
  });
});

describe('CGI environment', () => {
  it('sets the CGI/1.1 variables from the request', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), {
      uri: '/cgi/x.cgi?a=1&b=two', method: 'POST', body: 'hi',
      headers: { host: 'example.org:8080', 'content-type': 'text/plain', 'user-agent': 'tester' },
    });
    const env = envOf(response.text);
    expect(env.get('GATEWAY_INTERFACE')).toBe('CGI/1.1');
    expect(env.get('SERVER_SOFTWARE')).toBe(response.request.site!.serverHeader);
    expect(env.get('SERVER_NAME')).toBe('example.org');
    expect(env.get('SERVER_PORT')).toBe('80'); // the port the request arrived on, as in Twisted
    expect(env.get('SERVER_PROTOCOL')).toBe('HTTP/1.1');
    expect(env.get('REQUEST_METHOD')).toBe('POST');
    expect(env.get('SCRIPT_NAME')).toBe('/cgi/x.cgi');
    expect(env.get('SCRIPT_FILENAME')).toMatch(/\.cgi$/);
    expect(env.get('REQUEST_URI')).toBe('/cgi/x.cgi?a=1&b=two');
    expect(env.get('QUERY_STRING')).toBe('a=1&b=two');
    expect(env.get('CONTENT_LENGTH')).toBe('2');
    expect(env.get('CONTENT_TYPE')).toBe('text/plain');
    expect(env.get('REMOTE_ADDR')).toBe('192.168.1.1');
    expect(env.get('REMOTE_PORT')).toBe('12344');
    expect(env.get('HTTP_USER_AGENT')).toBe('tester');
    expect(env.get('HTTP_HOST')).toBe('example.org:8080');
    expect(env.has('HTTP_CONTENT_TYPE')).toBe(false);
    expect(env.has('HTTP_CONTENT_LENGTH')).toBe(false);
    expect(env.has('PATH_INFO')).toBe(false);
    expect(env.has('HTTPS')).toBe(false);
  });

  it('sets PATH_INFO for the path below the script (Twisted answers 500 here)', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi/extra/path%20here' });
    expect(response.code).toBe(200);
    const env = envOf(response.text);
    expect(env.get('PATH_INFO')).toBe('/extra/path here');
    expect(env.get('SCRIPT_NAME')).toBe('/cgi/x.cgi');
  });

  it('never maps the Proxy header to HTTP_PROXY or PROXY (httpoxy, security)', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi', headers: { proxy: 'http://evil.example:3128' } });
    const env = envOf(response.text);
    expect(env.has('HTTP_PROXY')).toBe(false);
    expect(env.has('PROXY')).toBe(false);
    expect(response.text).not.toContain('evil.example');
  });

  it('drops header names with underscores, which would pose as dashed ones (security)', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi', headers: { 'X_Forwarded_For': '6.6.6.6' } });
    expect(response.text).not.toContain('6.6.6.6');
  });

  it('joins repeated headers into one variable: commas, or semicolons for cookies', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), {
      uri: '/cgi/x.cgi', headers: [['accept', 'text/html'], ['accept', 'text/plain'], ['cookie', 'a=1'], ['cookie', 'b=2']],
    });
    const env = envOf(response.text);
    expect(env.get('HTTP_ACCEPT')).toBe('text/html, text/plain');
    expect(env.get('HTTP_COOKIE')).toBe('a=1; b=2');
  });

  it("hands on PATH but not the rest of the server's environment (security)", async () => {
    process.env.LOOM_TEST_SECRET = 'do-not-leak';
    try {
      const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi' });
      const env = envOf(response.text);
      expect(env.get('PATH')).toBe(process.env.PATH);
      expect(response.text).not.toContain('do-not-leak');
    } finally {
      delete process.env.LOOM_TEST_SECRET;
    }
  });

  it('adds the variables the operator names with passEnv and env', async () => {
    process.env.LOOM_TEST_PASSED = 'passed-on';
    try {
      const script = new CGIScript(program(ENV_SCRIPT), undefined, { passEnv: ['PATH', 'LOOM_TEST_PASSED'], env: { APP_MODE: 'test', REQUEST_METHOD: 'spoofed' } });
      const env = envOf((await request(mount(script), { uri: '/cgi/x.cgi' })).text);
      expect(env.get('LOOM_TEST_PASSED')).toBe('passed-on');
      expect(env.get('APP_MODE')).toBe('test');
      expect(env.get('REQUEST_METHOD')).toBe('GET'); // the CGI variables win
    } finally {
      delete process.env.LOOM_TEST_PASSED;
    }
  });

  it('sets HTTPS=on for a secure request', () => {
    const env = cgiEnvironment(makeRequest({ secure: true }), '/x.cgi');
    expect(env.HTTPS).toBe('on');
  });

  it('passes an ISINDEX query (no "=") as command-line arguments, decoded', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi?foo+bar%20baz' });
    expect(response.text).toContain('argv: [foo] [bar baz]');
    const plain = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi?foo=bar' });
    expect(plain.text).toContain('argv:\n');
  });

  it('answers 400 for a NUL in the path, which no environment variable can hold', async () => {
    const response = await request(mount(new CGIScript(program(ENV_SCRIPT))), { uri: '/cgi/x.cgi/a%00b' });
    expect(response.code).toBe(400);
  });
});

describe('isindexArguments', () => {
  it('splits on "+" and decodes each word', () => {
    expect(isindexArguments('/x?foo+bar%20baz')).toEqual(['foo', 'bar baz']);
  });
  it('gives nothing for a query with "=", an empty query or none', () => {
    expect(isindexArguments('/x?a=b')).toEqual([]);
    expect(isindexArguments('/x?')).toEqual([]);
    expect(isindexArguments('/x')).toEqual([]);
  });
});

describe('CGIDirectory', () => {
  const cgiDir = join(dir, 'cgi-bin');
  mkdirSync(join(cgiDir, 'sub'), { recursive: true });
  writeFileSync(join(cgiDir, 'hello.cgi'), '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nhello"\n', { mode: 0o755 });
  writeFileSync(join(cgiDir, 'sub', 'deep.cgi'), '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\ndeep $PATH_INFO"\n', { mode: 0o755 });

  it('answers 404 for the directory itself: there is no listing', async () => {
    const response = await request(new CGIDirectory(cgiDir), { uri: '/' });
    expect(response.code).toBe(404);
    expect(response.text).toContain('CGI directories do not support directory listing.');
  });

  it('answers 404 for a missing child', async () => {
    const response = await request(new CGIDirectory(cgiDir), { uri: '/nope.cgi' });
    expect(response.code).toBe(404);
    expect(response.text).toContain('File not found.');
  });

  it('runs a child file as a CGI script, and a subdirectory as another CGIDirectory', async () => {
    expect((await request(new CGIDirectory(cgiDir), { uri: '/hello.cgi' })).text).toBe('hello');
    expect((await request(new CGIDirectory(cgiDir), { uri: '/sub/deep.cgi/more' })).text).toBe('deep /more');
  });

  it('refuses ".." and an encoded slash (security)', async () => {
    const root = new CGIDirectory(join(cgiDir, 'sub'));
    expect((await request(root, { uri: '/../hello.cgi' })).code).toBe(404);
    expect((await request(root, { uri: '/..%2Fhello.cgi' })).code).toBe(404);
  });
});

describe('FilteredScript', () => {
  it('runs the filter with the file and the ISINDEX words as arguments', async () => {
    const file = join(dir, 'page.txt');
    writeFileSync(file, 'Content-Type: text/plain\n\nshown by cat\n');
    expect((await request(mount(new FilteredScript(file)), { uri: '/cgi/x.cgi' })).text).toBe('shown by cat\n');
    const args = new FilteredScript(file, undefined, { filter: program('#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nprintf "%s|" "$@"\n') });
    expect((await request(mount(args), { uri: '/cgi/x.cgi?one+two' })).text).toBe(`${file}|one|two|`);
  });

  perl.describe('with Perl', () => {
    class PerlScript extends FilteredScript {
      override filter = perl.path ?? '/usr/bin/perl';
    }

    it('runs a Perl CGI script that reads a form body', async () => {
      const file = join(dir, 'form.pl');
      writeFileSync(file, `use strict;
my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH});
my %form = map { split /=/, $_, 2 } split /&/, $body;
print "Content-Type: text/plain\\r\\n\\r\\n";
print "Hello, $form{name}, from Perl ($ENV{REQUEST_METHOD})\\n";
`);
      const response = await request(mount(new PerlScript(file)), { uri: '/cgi/x.cgi', method: 'POST', body: 'name=Ada' });
      expect(response.text).toBe('Hello, Ada, from Perl (POST)\n');
    });
  });

  phpCgi.describe('with PHP (php-cgi)', () => {
    it('runs a PHP page with its query, path info and status', async () => {
      const file = join(dir, 'page.php');
      writeFileSync(file, '<?php\nif (($_GET["name"] ?? "") === "") { http_response_code(404); echo "who?"; exit; }\nheader("X-Powered: php");\necho "Hello, ", htmlspecialchars($_GET["name"]), " at ", $_SERVER["PATH_INFO"] ?? "-";\n');
      const response = await request(mount(new PHPScript(file)), { uri: '/cgi/x.cgi/extra?name=Grace' });
      expect(response.code).toBe(200);
      expect(response.headers.getLast('x-powered')).toBe('php');
      expect(response.text).toBe('Hello, Grace at /extra');
      expect((await request(mount(new PHPScript(file)), { uri: '/cgi/x.cgi' })).code).toBe(404);
    });

    it('does not show the source for an ISINDEX "-s" query (CVE-2012-1823, security)', async () => {
      const file = join(dir, 'secret.php');
      writeFileSync(file, '<?php $secret = "hunter2"; echo "ok";\n');
      const response = await request(mount(new PHPScript(file)), { uri: '/cgi/x.cgi?-s' });
      expect(response.text).not.toContain('hunter2');
    });
  });
});

describe('CGI over a real connection', () => {
  let site: Site | null = null;
  afterEach(async () => {
    await site?.close();
    site = null;
  });

  async function serve(root: Resource): Promise<number> {
    site = testSite(root);
    return (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
  }

  it('streams output as the script writes it, before the script ends', async () => {
    const fifo = join(dir, 'gate.fifo');
    execFileSync('mkfifo', [fifo]);
    const script = program(`#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nfirst\\n"\ncat "${fifo}"\necho last\n`);
    const port = await serve(mount(new CGIScript(script)));
    const client = await connect(port);
    client.socket.write('GET /cgi/x.cgi HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    const early = await client.readUntil('first\n');
    expect(early).toContain('HTTP/1.1 200 OK');
    expect(early).not.toContain('last');
    writeFileSync(fifo, 'middle\n'); // lets the script go on
    const all = await client.readUntil('last\n');
    expect(all).toMatch(/middle\n[\s\S]*last\n/); // separate chunks of a chunked body
    await client.closed;
  });

  it('sends a large output whole', async () => {
    const script = program('#!/bin/sh\nprintf "Content-Type: application/octet-stream\\n\\n"\nhead -c 3000000 /dev/zero\n');
    const port = await serve(mount(new CGIScript(script)));
    const response = await fetch(`http://127.0.0.1:${port}/cgi/x.cgi`);
    expect((await response.arrayBuffer()).byteLength).toBe(3_000_000);
  });

  it('sets PATH_INFO for extra path on a live server', async () => {
    const port = await serve(mount(new CGIScript(program(ENV_SCRIPT))));
    const response = await fetch(`http://127.0.0.1:${port}/cgi/x.cgi/extra/path`);
    expect(response.status).toBe(200);
    expect(envOf(await response.text()).get('PATH_INFO')).toBe('/extra/path');
  });

  it('stops a hung script, and what it started, when the client goes away', async () => {
    const pidFile = join(dir, 'hung.pids');
    const script = program(`#!/bin/sh\nsleep 1000 &\necho "$$ $!" > "${pidFile}"\nprintf "Content-Type: text/plain\\n\\nstarted\\n"\nwait\n`);
    const port = await serve(mount(new CGIScript(script)));
    const req = httpRequest({ port, host: '127.0.0.1', path: '/cgi/x.cgi' });
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end();
    });
    await new Promise<void>((resolve) => response.once('data', () => resolve()));
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    expect(pids.every(isAlive)).toBe(true);
    req.destroy(); // the client leaves
    await until(() => !pids.some(isAlive));
    expect(pids.some(isAlive)).toBe(false);
  });
});

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return !/\) Z /.test(readFileSync(stat, 'utf8'));
  } catch {
    return false;
  }
}

/** Wait for `condition`, checking every 10 ms, for at most 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; waited < 10_000 && !condition(); waited += 10) await new Promise((r) => setTimeout(r, 10));
}
