/**
 * Hostile input, sent the way an attacker sends it: traversal in every encoding,
 * smuggling, CRLF and HTML injection, oversized everything, a flood of new sessions,
 * forged and replayed credentials, and Host tricks. Each case passes when no answer
 * leaks, splits, reflects or crashes, and the server still answers a normal request.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verdict, type StressCase } from './case.ts';
import { exchange, get, statsOf } from './probe.ts';
import { HTML_NAME, SECRET, startWebPath } from './servers.ts';

const DOTS = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '%c0%ae%c0%ae', '%uff0e%uff0e', '..%00', '....', '%2e%2e%00', '..;'];
const SLASHES = ['/', '%2f', '%2F', '%252f', '\\', '%5c', '%5C', '%c0%af', '//', '/./', '%00/'];
const TARGETS = ['outside-secret.txt', 'outside-evil.cgi', 'outside-evil.rsx.ts', 'outside-evil.cgi/extra', 'etc/passwd'];

/** Every path below `mount`: each spelling of `..` and `/`, one and three levels up, to each target. */
function traversals(mount: string): string[] {
  const paths = new Set<string>();
  for (const dots of DOTS) for (const slash of SLASHES) for (const depth of [1, 3]) for (const target of TARGETS) {
    paths.add(`${mount}/${`${dots}${slash}`.repeat(depth)}${target}`);
  }
  return [...paths];
}

/** Send every path, eight at a time; a problem is a leak, a 5xx or no answer. */
async function attackPaths(port: number, paths: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const queue = [...paths];
  const worker = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      try {
        const answer = await get(port, path);
        if (answer.body.includes(SECRET) || answer.body.includes('root:x:0:0')) problems.push(`${path} leaked (${answer.status})`);
        else if (answer.status >= 500) problems.push(`${path} → ${answer.status}`);
      } catch (error) {
        problems.push(`${path}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return problems;
}

function traversalCase(name: string, mount: string, what: string, web = false): StressCase {
  return {
    name, group: 'hostile', limitSeconds: 300, attacks: `path traversal in ${DOTS.length}×${SLASHES.length} encodings against ${what}`,
    async run(ctx) {
      const paths = traversals(mount);
      const server = web ? await startWebPath(ctx.root) : ctx.target;
      try {
        const problems = await attackPaths(server.port, paths);
        const alive = await get(server.port, web ? '/hello.txt' : '/files/hello.txt');
        if (alive.status !== 200) problems.push(`a normal request then got ${alive.status}`);
        return verdict(problems, `${paths.length} paths, nothing outside leaked`, { requests: paths.length });
      } finally {
        if (web) await server.stop();
      }
    },
  };
}

/** Requests that smuggle a second one past a front end; each must get one 400 and nothing more. */
const SMUGGLES: Record<string, string> = {
  'CL+TE': 'POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /files/hello.txt HTTP/1.1\r\nHost: a\r\n\r\n',
  'two CL': 'POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\nGET /files/hello.txt HTTP/1.1\r\nHost: a\r\n\r\n',
  'TE obfuscated': 'POST /sink HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\nGET /files/hello.txt HTTP/1.1\r\nHost: a\r\n\r\n',
  'obs-fold': 'GET /files/hello.txt HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n',
  'bare LF': 'GET /files/hello.txt HTTP/1.1\nHost: a\nContent-Length: 5\n\nGET /\n\n',
  'NUL in header': 'GET /files/hello.txt HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n',
  'space before colon': 'POST /sink HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc',
  'chunk size overflow': 'POST /sink HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nx\r\n0\r\n\r\n',
};

const smuggling: StressCase = {
  name: 'smuggling', group: 'hostile', limitSeconds: 120, attacks: 'request smuggling: CL+TE, duplicate CL, obfuscated TE, obs-fold, bare LF, NUL',
  async run(ctx) {
    const problems: string[] = [];
    for (const [label, bytes] of Object.entries(SMUGGLES)) {
      const { text } = await exchange(ctx.target.port, bytes);
      const answers = text.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
      if (!/^HTTP\/1\.1 4\d\d/.test(text)) problems.push(`${label}: ${text.slice(0, 40) || 'no answer'}`);
      else if (answers.length > 1 || text.includes('hello\n')) problems.push(`${label}: a smuggled request was answered`);
    }
    return verdict(problems, `${Object.keys(SMUGGLES).length} smuggling shapes, each refused with one 4xx`);
  },
};

const INJECT = ['a\r\nSet-Cookie: evil=1', 'a\nX-Injected: 1', 'a\rX-Injected: 1', '%0d%0aX-Injected: 1', 'a\u2028b\u0085c', 'a\0b'];

const crlfInjection: StressCase = {
  name: 'crlf-injection', group: 'hostile', limitSeconds: 120, attacks: 'CRLF injection into setHeader, redirect, addCookie and the access log',
  async run(ctx) {
    const logPath = join(ctx.root, 'access-crlf.log');
    const target = await ctx.startTarget({ STRESS_ACCESS_LOG: logPath });
    const problems: string[] = [];
    let sent = 0;
    for (const kind of ['header', 'cookie', 'redirect']) for (const value of INJECT) {
      const path = `/reflect/${kind}?v=${encodeURIComponent(value)}`;
      sent++;
      const { text } = await exchange(target.port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      const head = text.split('\r\n\r\n')[0] ?? '';
      if (/^(set-cookie: evil|x-injected)/im.test(head)) problems.push(`${kind} ${JSON.stringify(value)} split the head`);
      if (!/^HTTP\/1\.1 [2-5]\d\d/.test(text)) problems.push(`${kind} ${JSON.stringify(value)}: no answer`);
    }
    for (const path of ['/files/a%0d%0a127.0.0.1 - - "GET /forged HTTP/1.1" 200', '/files/%0a%0d%22x']) {
      sent++;
      await exchange(target.port, `GET ${path.replace(/ /g, '%20')} HTTP/1.1\r\nHost: a\r\nUser-Agent: ua"\\\r\nReferer: r\\\r\nConnection: close\r\n\r\n`);
    }
    await target.stop(); // flushes the log
    const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => l !== '');
    if (lines.length !== sent) problems.push(`the access log has ${lines.length} lines for ${sent} requests`);
    for (const line of lines) if (!/^"127\.0\.0\.1" - - \[/.test(line)) problems.push(`a forged log line: ${line.slice(0, 60)}`);
    return verdict(problems, `${sent} injections, no head split, one log line per request`, { requests: sent });
  },
};

const htmlInjection: StressCase = {
  name: 'html-injection', group: 'hostile', limitSeconds: 120, attacks: 'HTML injection into error pages, directory listings and redirect bodies',
  async run(ctx) {
    const problems: string[] = [];
    const probes: [string, Record<string, string>?][] = [
      ['/files/%3Cscript%3Ealert(1)%3C/script%3E'],
      ['/nowhere/%3Cscript%3Ealert(1)%3C/script%3E?%3Cscript%3Ealert(1)%3C/script%3E'],
      ['/files/sub/'],
      [`/reflect/redirect?v=${encodeURIComponent('/"><script>alert(1)</script>')}`],
      ['/vhost/', { host: '<script>alert(1)</script>' }],
      ['/sink', { 'content-type': '<script>alert(1)</script>' }],
    ];
    for (const [path, headers] of probes) {
      const answer = await get(ctx.target.port, path, { headers });
      if (/<script>alert\(1\)|<img src=x onerror/i.test(answer.body)) problems.push(`${path} (${answer.status}) echoed the markup`);
      if (answer.status >= 500) problems.push(`${path} → ${answer.status}`);
    }
    const listing = await get(ctx.target.port, '/files/sub/');
    if (!listing.body.includes('&lt;img')) problems.push(`the listing does not show ${HTML_NAME} escaped`);
    const method = await exchange(ctx.target.port, 'PUT<script> / HTTP/1.1\r\nHost: a\r\n\r\n');
    if (/<script>/.test(method.text)) problems.push('a method name was echoed');
    return verdict(problems, `${probes.length + 1} reflections, all escaped`);
  },
};

function multipart(fields: number): { body: string; type: string } {
  const boundary = 'stressboundary';
  let body = '';
  for (let i = 0; i < fields; i++) body += `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`;
  return { body: `${body}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

const oversized: StressCase = {
  name: 'oversized', group: 'hostile', limitSeconds: 180, attacks: 'oversized headers, URLs, bodies, multipart parts and field counts',
  async run(ctx) {
    const port = ctx.target.port;
    const problems: string[] = [];
    const expect = (label: string, text: string, statuses: RegExp): void => {
      if (!statuses.test(text)) problems.push(`${label}: ${text.slice(0, 40) || 'no answer'}`);
    };
    expect('100 KB header', (await exchange(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`)).text, /^HTTP\/1\.1 431/);
    expect('2000 headers', (await exchange(port, `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 2000 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`)).text, /^HTTP\/1\.1 (200|400|431)/); // Node keeps the first 2000 headers of a head under its size limit
    expect('100 KB URL', (await exchange(port, `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: a\r\n\r\n`)).text, /^HTTP\/1\.1 (414|431)/);
    expect('declared 1 GB body', (await exchange(port, 'POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n')).text, /^HTTP\/1\.1 413/);
    const fields = multipart(12_000);
    const form = await get(port, '/sink', { method: 'POST', headers: { 'content-type': fields.type }, body: fields.body });
    if (form.status !== 413) problems.push(`12 000 multipart parts → ${form.status}`);
    const urlencoded = Array.from({ length: 12_000 }, (_, i) => `f${i}=v`).join('&');
    const plain = await get(port, '/sink', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: urlencoded });
    if (plain.status !== 413) problems.push(`12 000 urlencoded fields → ${plain.status}`);
    const bigPart = `--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n${'x'.repeat(5_000_000)}\r\n--b--\r\n`;
    const part = await get(port, '/sink', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: bigPart, timeoutMs: 60_000 });
    if (part.status !== 200) problems.push(`a 5 MB part → ${part.status}`);
    const alive = await get(port, '/files/hello.txt');
    if (alive.status !== 200) problems.push(`a normal request then got ${alive.status}`);
    return verdict(problems, 'header 431, URL 414, body 413 before reading, 12 000 fields 413, a 5 MB part stored');
  },
};

const sessionFlood: StressCase = {
  name: 'session-flood', group: 'hostile', limitSeconds: 300, attacks: 'a flood of cookie-less requests, each making a session',
  async run(ctx) {
    const cap = 2000;
    const target = await ctx.startTarget({ STRESS_MAX_SESSIONS: String(cap) });
    const total = ctx.quick ? 5000 : 20_000;
    let sent = 0;
    let errors = 0;
    const worker = async (): Promise<void> => {
      for (; sent < total; sent++) if ((await get(target.port, '/session').catch(() => null))?.status !== 200) errors++;
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const stats = await statsOf(target);
    const sessions = Number(stats['sessions']);
    const problems = [...(errors > 0 ? [`${errors} requests failed`] : []), ...(sessions > cap ? [`${sessions} sessions stored, cap ${cap}`] : [])];
    return verdict(problems, `${total} new clients, ${sessions} sessions kept (cap ${cap})`, { requests: total, sessions });
  },
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A Digest header for GET `uri`, answering the challenge in `www` with count `nc`. */
function digestHeader(www: string, uri: string, nc: string, password = 'wonderland'): string {
  const field = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(www)?.[1] ?? '';
  const nonce = field('nonce');
  const cnonce = 'c0ffee';
  const response = sha256(`${sha256(`alice:stress:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${sha256(`GET:${uri}`)}`);
  return `Digest username="alice", realm="stress", nonce="${nonce}", uri="${uri}", algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${field('opaque')}"`;
}

const authForged: StressCase = {
  name: 'auth-forged', group: 'hostile', limitSeconds: 120, attacks: 'forged and replayed Basic and Digest credentials',
  async run(ctx) {
    const port = ctx.target.port;
    const problems: string[] = [];
    const forged = [
      'Basic !!!notbase64', `Basic ${Buffer.from('alice:wrong').toString('base64')}`, `Basic ${Buffer.from('alice').toString('base64')}`,
      `Basic ${Buffer.from('a'.repeat(6000)).toString('base64')}`, `Basic ${Buffer.from('älice:wönderland').toString('base64')}`, 'Basic', 'Bearer x',
      'Digest username="alice", nonce="1.2.3", uri="/auth/", response="00"', 'Digest ,,,,,', 'Digest username="alice"',
      'Digest username="alice", realm="stress", nonce="9999999999.aa.bb", uri="/auth/", qop=auth, nc=00000001, cnonce="x", response="ab"',
    ];
    for (const authorization of forged) {
      const answer = await get(port, '/auth/', { headers: { authorization } });
      if (answer.status !== 401) problems.push(`${authorization.slice(0, 30)} → ${answer.status}`);
    }
    const basic = await get(port, '/auth/', { headers: { authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}` } });
    if (basic.status !== 200) problems.push(`the right Basic password → ${basic.status}`);
    const challenge = await get(port, '/auth/', { headers: { authorization: 'Digest username="alice"' } });
    // Node joins the Basic and Digest challenges into one string: the Digest one is last.
    const joined = String(challenge.headers['www-authenticate'] ?? '');
    const www = joined.slice(Math.max(0, joined.indexOf('Digest ')));
    const first = digestHeader(www, '/auth/', '00000001');
    const good = await get(port, '/auth/', { headers: { authorization: first } });
    if (good.status !== 200) problems.push(`a right Digest answer → ${good.status}`);
    const replay = await get(port, '/auth/', { headers: { authorization: first } });
    if (replay.status !== 401) problems.push(`a replayed Digest answer (same nc) → ${replay.status}`);
    const wrong = await get(port, '/auth/', { headers: { authorization: digestHeader(www, '/auth/', '00000002', 'guess') } });
    if (wrong.status !== 401) problems.push(`a Digest answer with a wrong password → ${wrong.status}`);
    return verdict(problems, `${forged.length + 2} forged or replayed credentials refused with 401; right ones let in`);
  },
};

const hostTricks: StressCase = {
  name: 'host-tricks', group: 'hostile', limitSeconds: 120, attacks: 'Host tricks against NameVirtualHost and VHostMonster',
  async run(ctx) {
    const port = ctx.target.port;
    const problems: string[] = [];
    const raw = async (label: string, head: string, want: RegExp, not?: RegExp): Promise<void> => {
      const { text } = await exchange(port, `${head}\r\nConnection: close\r\n\r\n`);
      if (!want.test(text) || (not !== undefined && not.test(text))) problems.push(`${label}: ${text.split('\r\n')[0] ?? 'no answer'}`);
    };
    await raw('no Host', 'GET /vhost/ HTTP/1.1', /^HTTP\/1\.1 400/);
    await raw('two Hosts', 'GET /vhost/ HTTP/1.1\r\nHost: a.example\r\nHost: b.example', /^HTTP\/1\.1 400/);
    await raw('Host with markup', 'GET /vhost/ HTTP/1.1\r\nHost: <script>', /^HTTP\/1\.1 400/);
    await raw('Host with userinfo', 'GET /vhost/ HTTP/1.1\r\nHost: a.example@b.example', /^HTTP\/1\.1 400/);
    await raw('upper-case Host', 'GET /vhost/ HTTP/1.1\r\nHost: A.EXAMPLE', /site a/);
    await raw('Host with port', 'GET /vhost/ HTTP/1.1\r\nHost: b.example:8080', /site b/);
    await raw('unknown Host', 'GET /vhost/ HTTP/1.1\r\nHost: c.example', /default site/);
    // RFC 9112 §3.2.2 says the URI's host wins over Host; Loom (like Twisted) goes by Host,
    // which on an origin server picks a site, not a security boundary: only a sane answer is required.
    await raw('absolute URI and another Host', 'GET http://b.example/vhost/ HTTP/1.1\r\nHost: a.example', /^HTTP\/1\.1 (200|400)/);
    for (const path of ['/vm/http/evil.example:80/vm-site', '/vm/javascript/x/vm-site', '/vm/http/%0d%0aX-Injected:%201/vm-site', '/vm/http/%3Cscript%3E/vm-site', '/vm/https/a:99999/vm-site', '/vm/http/']) {
      const { text } = await exchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      const head = text.split('\r\n\r\n')[0] ?? '';
      if (!/^HTTP\/1\.1 [234]\d\d/.test(text)) problems.push(`${path}: ${text.split('\r\n')[0] || 'no answer'}`);
      if (/^x-injected/im.test(head) || /<script>/.test(text)) problems.push(`${path} reflected what it was given`);
    }
    return verdict(problems, '14 Host tricks: 400 for bad Hosts, names matched as RFC 9110 says, nothing reflected');
  },
};

export const HOSTILE_CASES: readonly StressCase[] = [
  traversalCase('traversal-file', '/files', 'File'),
  traversalCase('traversal-cgi', '/cgi', 'CGIDirectory'),
  traversalCase('traversal-rsx', '/rsx', 'ResourceScriptDirectory'),
  traversalCase('traversal-web-path', '', '`loom web --path`', true),
  smuggling, crlfInjection, htmlInjection, oversized, sessionFlood, authForged, hostTricks,
];

