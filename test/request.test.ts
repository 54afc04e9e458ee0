import { describe, expect, it } from 'vitest';
import { isLoomError } from '../lib/errors.ts';
import { CACHED } from '../lib/request.ts';
import { Site } from '../lib/site.ts';
import { Resource } from '../lib/resource.ts';
import { makeRequest, memoryLogger, responseOf, type MemoryChannel } from '../lib/testing.ts';

function channelOf(req: ReturnType<typeof makeRequest>): MemoryChannel {
  return req.channel as MemoryChannel;
}

describe('Request: what was asked', () => {
  it('keeps the method exactly as sent, and splits uri into path and query', () => {
    const req = makeRequest({ method: 'get', uri: '/a/b?x=1?y' });
    expect(req.method).toBe('get');
    expect(req.uri).toBe('/a/b?x=1?y');
    expect(req.path).toBe('/a/b');
    expect(req.clientproto).toBe('HTTP/1.1');
  });

  it('returns the last value of a repeated header, and all of them from requestHeaders', () => {
    const req = makeRequest({ headers: [['X-Thing', 'one'], ['x-thing', 'two']] });
    expect(req.getHeader('x-thing')).toBe('two');
    expect(req.requestHeaders.getRawHeaders('X-THING')).toEqual(['one', 'two']);
    expect(req.getHeader('missing')).toBeUndefined();
    expect(req.getAllHeaders().get('x-thing')).toBe('two');
  });

  it('parses cookies from every Cookie header, skipping items with no "="', () => {
    const req = makeRequest({ headers: [['Cookie', 'a=1; b=2; junk'], ['Cookie', 'c=; d=x%20y']] });
    expect(req.getCookie('a')).toBe('1');
    expect(req.getCookie('b')).toBe('2');
    expect(req.getCookie('c')).toBe('');
    expect(req.getCookie('d')).toBe('x%20y'); // handed over as sent, not decoded
    expect(req.getCookie('junk')).toBeUndefined();
  });

  it('gives the body through content, empty when none was sent', () => {
    expect(makeRequest().content.length).toBe(0);
    const req = makeRequest({ method: 'POST', body: '{"a":1}' });
    expect(req.content.json()).toEqual({ a: 1 });
    expect(req.content.read(2).toString()).toBe('{"');
  });
});

describe('Request.args', () => {
  it('collects query arguments: & and ; separate, + is a space, blanks kept, bare keys dropped', () => {
    const req = makeRequest({ uri: '/?a=1&a=2;b=x+y&c=&d&e=%41%42' });
    expect(Object.fromEntries(req.args)).toEqual({ a: ['1', '2'], b: ['x y'], c: [''], e: ['AB'] });
  });

  it('keeps a "?" after the first one inside the arguments', () => {
    expect(makeRequest({ uri: '/p?x=1?2' }).args.get('x')).toEqual(['1?2']);
  });

  it('merges a urlencoded POST body into the query arguments', () => {
    const req = makeRequest({ method: 'POST', uri: '/?q=1', body: 'the-field=hello+there&q=2', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
    expect(req.args.get('the-field')).toEqual(['hello there']);
    expect(req.args.get('q')).toEqual(['1', '2']);
  });

  it('ignores a form body on methods other than POST', () => {
    const req = makeRequest({ method: 'PUT', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(req.args.size).toBe(0);
  });

  it('ignores a POST body of another content type', () => {
    const req = makeRequest({ method: 'POST', body: 'a=1', headers: { 'content-type': 'text/plain' } });
    expect(req.args.size).toBe(0);
  });
});

describe('Request: the response head', () => {
  it('defaults to 200 OK and uses the standard phrase for other codes', () => {
    const req = makeRequest();
    req.setResponseCode(418);
    req.finish();
    expect(channelOf(req).head).toMatchObject({ code: 418, message: "I'm a Teapot" });
  });

  it('uses a custom reason phrase, and "Unknown Status" for codes with none', () => {
    const a = makeRequest();
    a.setResponseCode(402, 'Pay Up');
    a.finish();
    expect(channelOf(a).head?.message).toBe('Pay Up');
    const b = makeRequest();
    b.setResponseCode(599);
    b.finish();
    expect(channelOf(b).head?.message).toBe('Unknown Status');
  });

  it('refuses a status code that is not a number from 100 to 999', () => {
    expect(() => makeRequest().setResponseCode(42)).toThrow(/from 100 to 999/);
  });

  it('replaces a header with setHeader and turns CR/LF in values into spaces', () => {
    const req = makeRequest();
    req.setHeader('X-A', 'one');
    req.setHeader('x-a', 'two\r\nSet-Cookie: evil=1');
    req.finish();
    expect(channelOf(req).head?.headers.getRawHeaders('x-a')).toEqual(['two Set-Cookie: evil=1']);
    expect(channelOf(req).head?.headers.hasHeader('set-cookie')).toBe(false);
  });

  it('refuses to change the status or headers after the first write, with a coded error', () => {
    const req = makeRequest();
    req.write('x');
    expect(() => req.setResponseCode(500)).toThrow(expect.objectContaining({ code: 'LOOM_ERR_HEADERS_SENT' }));
    expect(() => req.setHeader('x', 'y')).toThrow(/already sent/);
  });

  it('redirects with 302 and Location, leaving the body to the caller', () => {
    const req = makeRequest();
    req.redirect('/elsewhere');
    expect(req.code).toBe(302);
    expect(req.responseHeaders.getLast('location')).toBe('/elsewhere');
    expect(req.finished).toBe(false);
  });

  it('writes every cookie attribute in Twisted order, sanitising ; CR and LF', () => {
    const req = makeRequest();
    req.addCookie('a', 'b;c\r\nd', { expires: 'Wed, 01 Jan 2031 00:00:00 GMT', domain: 'example.com', path: '/', maxAge: 10, comment: 'hi', secure: true, httpOnly: true, sameSite: 'Lax' });
    req.finish();
    expect(channelOf(req).head?.headers.getRawHeaders('set-cookie')).toEqual([
      'a=b c  d; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Domain=example.com; Path=/; Max-Age=10; Comment=hi; Secure; HttpOnly; SameSite=lax',
    ]);
  });

  it('refuses a sameSite value other than lax or strict', () => {
    expect(() => makeRequest().addCookie('a', 'b', { sameSite: 'none' as 'lax' })).toThrow(/must be "lax" or "strict"/);
  });

  it('adds Content-Type: text/html on the first write when none was set', () => {
    const req = makeRequest();
    req.write('hi');
    expect(channelOf(req).head?.headers.getLast('content-type')).toBe('text/html');
  });

  it('adds no default Content-Type for 204, 304, Content-Length 0, or when turned off', () => {
    for (const setup of [
      (r: ReturnType<typeof makeRequest>) => r.setResponseCode(204),
      (r: ReturnType<typeof makeRequest>) => r.setResponseCode(304),
      (r: ReturnType<typeof makeRequest>) => r.setHeader('content-length', '0'),
      (r: ReturnType<typeof makeRequest>) => { r.defaultContentType = null; },
    ]) {
      const req = makeRequest();
      setup(req);
      req.finish();
      expect(channelOf(req).head?.headers.hasHeader('content-type')).toBe(false);
    }
  });

  it('keeps an explicit Content-Type on a 304', () => {
    const req = makeRequest();
    req.setHeader('content-type', 'image/png');
    req.setResponseCode(304);
    req.finish();
    expect(channelOf(req).head?.headers.getLast('content-type')).toBe('image/png');
  });

  it('sends the Site\'s Server header unless the resource set one', () => {
    const site = new Site(new Resource(), { serverHeader: 'Test/1' });
    const a = makeRequest({}, site);
    a.finish();
    expect(channelOf(a).head?.headers.getLast('server')).toBe('Test/1');
    const b = makeRequest({}, site);
    b.setHeader('server', 'Mine');
    b.finish();
    expect(channelOf(b).head?.headers.getRawHeaders('server')).toEqual(['Mine']);
  });
});

describe('Request: conditional requests', () => {
  const lastModified = Date.UTC(2020, 0, 1, 12, 0, 0);

  it('answers 200 when If-Modified-Since is earlier than the last change', () => {
    const req = makeRequest({ headers: { 'if-modified-since': 'Wed, 01 Jan 2020 11:00:00 GMT' } });
    expect(req.setLastModified(lastModified)).toBeNull();
    expect(req.code).toBe(200);
  });

  it('answers 304 and returns CACHED when If-Modified-Since is at or after it', () => {
    for (const since of ['Wed, 01 Jan 2020 12:00:00 GMT', 'Wednesday, 01-Jan-20 13:00:00 GMT', 'Wed Jan  1 12:00:00 2020', 'Wed, 01 Jan 2020 12:00:00 GMT; length=3']) {
      const req = makeRequest({ headers: { 'if-modified-since': since } });
      expect(req.setLastModified(new Date(lastModified)), since).toBe(CACHED);
      expect(req.code).toBe(304);
    }
  });

  it('ignores an If-Modified-Since it cannot parse, or one before 1970', () => {
    for (const since of ['garbage', 'Wed, 01 Foo 2020 12:00:00 GMT', 'Wed, 01 Jan 1969 12:00:00 GMT', 'Wed, 01 Jan 20x0 12:00:00 GMT']) {
      const req = makeRequest({ headers: { 'if-modified-since': since } });
      expect(req.setLastModified(lastModified), since).toBeNull();
    }
  });

  it('keeps the latest of several last-modified times and sends it as Last-Modified', () => {
    const req = makeRequest();
    req.setLastModified(lastModified + 5000);
    req.setLastModified(lastModified);
    req.finish();
    expect(channelOf(req).head?.headers.getLast('last-modified')).toBe('Wed, 01 Jan 2020 12:00:05 GMT');
  });

  it('rounds a last-modified time up to the whole second', () => {
    const req = makeRequest({ headers: { 'if-modified-since': 'Wed, 01 Jan 2020 12:00:00 GMT' } });
    expect(req.setLastModified(lastModified + 1)).toBeNull(); // 12:00:00.001 is after 12:00:00
  });

  it('answers 304 for GET and HEAD when If-None-Match names the ETag, 412 for other methods', () => {
    const get = makeRequest({ headers: { 'if-none-match': '"x" "abc"' } });
    expect(get.setETag('"abc"')).toBe(CACHED);
    expect(get.code).toBe(304);
    const put = makeRequest({ method: 'PUT', headers: { 'if-none-match': '*' } });
    expect(put.setETag('"abc"')).toBe(CACHED);
    expect(put.code).toBe(412);
  });

  it('compares entity tags weakly, so W/"abc" and "abc" match (RFC 9110 §13.1.2)', () => {
    const a = makeRequest({ headers: { 'if-none-match': 'W/"abc"' } });
    expect(a.setETag('"abc"')).toBe(CACHED);
    const b = makeRequest({ headers: { 'if-none-match': '"abc"' } });
    expect(b.setETag('W/"abc"')).toBe(CACHED);
    const c = makeRequest({ headers: { 'if-none-match': 'W/"abd"' } });
    expect(c.setETag('W/"abc"')).toBeNull();
  });

  it('answers 200 and sends the ETag when If-None-Match does not match', () => {
    const req = makeRequest({ headers: { 'if-none-match': '"other"' } });
    expect(req.setETag('"abc"')).toBeNull();
    req.finish();
    expect(channelOf(req).head?.code).toBe(200);
    expect(channelOf(req).head?.headers.getLast('etag')).toBe('"abc"');
  });
});

describe('Request: write, finish and connection loss', () => {
  it('sends the headers with the first write and counts body bytes', () => {
    const req = makeRequest();
    expect(req.startedWriting).toBe(false);
    req.write('héllo');
    req.write(new Uint8Array([1, 2]));
    expect(req.startedWriting).toBe(true);
    expect(req.sentLength).toBe(8);
    req.finish();
    expect(responseOf(req).body).toEqual(Buffer.concat([Buffer.from('héllo'), Buffer.from([1, 2])]));
  });

  it('throws a coded error for write after finish', () => {
    const req = makeRequest();
    req.finish();
    expect(() => req.write('late')).toThrow(expect.objectContaining({ code: 'LOOM_ERR_WRITE_AFTER_FINISH' }));
  });

  it('warns about finish called twice and otherwise does nothing', () => {
    const site = new Site(new Resource(), { logger: memoryLogger() });
    const req = makeRequest({}, site);
    req.finish();
    req.finish();
    expect((site.logger as ReturnType<typeof memoryLogger>).messages).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('finish() was called twice') })]);
  });

  it('ignores writes after the client went away', () => {
    const req = makeRequest();
    req.write('a');
    channelOf(req).loseConnection();
    expect(() => req.write('b')).not.toThrow();
    expect(responseOf(req).text).toBe('a');
  });

  it('only warns for finish after the client went away (Twisted raises)', () => {
    const site = new Site(new Resource(), { logger: memoryLogger() });
    const req = makeRequest({}, site);
    channelOf(req).loseConnection();
    expect(() => req.finish()).not.toThrow();
    expect((site.logger as ReturnType<typeof memoryLogger>).messages[0]?.message).toMatch(/after the client went away/);
  });

  it('drops body bytes for HEAD, 204 and 304 but sends the headers', () => {
    for (const [method, code] of [['HEAD', 200], ['GET', 204], ['GET', 304]] as const) {
      const req = makeRequest({ method });
      req.setResponseCode(code);
      req.write('body');
      req.finish();
      expect(channelOf(req).head?.code).toBe(code);
      expect(responseOf(req).body.length).toBe(0);
      expect(req.sentLength).toBe(0);
    }
  });

  it('resolves notifyFinish after finish', async () => {
    const req = makeRequest();
    const notice = req.notifyFinish();
    req.finish();
    await expect(notice).resolves.toBeUndefined();
  });

  it('resolves notifyFinish at once when asked after finish', async () => {
    const req = makeRequest();
    req.finish();
    await expect(req.notifyFinish()).resolves.toBeUndefined();
  });

  it('rejects notifyFinish with LOOM_ERR_CONNECTION_LOST when the client goes away first', async () => {
    const req = makeRequest();
    const notice = req.notifyFinish();
    channelOf(req).loseConnection();
    await expect(notice).rejects.toSatisfy((e: unknown) => isLoomError(e, 'LOOM_ERR_CONNECTION_LOST'));
  });

  it('does not turn a forgotten rejection into an unhandled one', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const req = makeRequest();
      const seen: string[] = [];
      req.notifyFinish();                                   // ignored entirely
      const chained = req.notifyFinish().then(() => seen.push('done')); // no rejection handler
      channelOf(req).loseConnection();
      await chained;
      await new Promise((r) => setImmediate(r)); // let Node report unhandled rejections, if any
      expect(seen).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('aborts request.signal when the client goes away, and not after a normal finish', () => {
    const lost = makeRequest();
    const signal = lost.signal;
    channelOf(lost).loseConnection();
    expect(signal.aborted).toBe(true);
    expect(isLoomError(signal.reason, 'LOOM_ERR_CONNECTION_LOST')).toBe(true);

    const done = makeRequest();
    const quiet = done.signal;
    done.finish();
    channelOf(done).loseConnection();
    expect(quiet.aborted).toBe(false);
  });

  it('keeps an in-memory body readable after the request ends', () => {
    const req = makeRequest({ method: 'POST', body: 'abc' });
    req.finish();
    expect(req.content.text()).toBe('abc');
  });
});

describe('Request: hosts, addresses and URLs', () => {
  it('reports the client and local addresses from the channel', () => {
    const req = makeRequest({ client: { type: 'IPv6', host: '::1', port: 5 } });
    expect(req.getClientAddress()).toEqual({ type: 'IPv6', host: '::1', port: 5 });
    expect(req.getHost().port).toBe(80);
  });

  it('takes the hostname from Host without its port or IPv6 brackets, else the local address', () => {
    expect(makeRequest({ headers: { host: 'Example.COM:8080' } }).getRequestHostname()).toBe('Example.COM');
    expect(makeRequest({ headers: { host: '[::1]:8080' } }).getRequestHostname()).toBe('::1');
    expect(makeRequest().getRequestHostname()).toBe('10.0.0.1');
  });

  it('builds prePathURL from Host\'s name but the real port, quoting segments', () => {
    const req = makeRequest({ uri: '/a b/c', headers: { host: 'a.example:9999' }, host: { type: 'IPv4', host: '10.0.0.1', port: 18081 } });
    req.prepath = ['a b', 'ü/'];
    expect(req.prePathURL()).toBe('http://a.example:18081/a%20b/%C3%BC%2F');
  });

  it('drops default ports from prePathURL and uses https when secure', () => {
    expect(makeRequest({ headers: { host: 'x' } }).prePathURL()).toBe('http://x/');
    expect(makeRequest({ headers: { host: 'x' }, secure: true, host: { type: 'IPv4', host: '1.2.3.4', port: 443 } }).prePathURL()).toBe('https://x/');
    expect(makeRequest({ headers: { host: 'x' }, secure: true, host: { type: 'IPv4', host: '1.2.3.4', port: 80 } }).prePathURL()).toBe('https://x:80/');
  });

  it('lets setHost rewrite the Host header, getHost and isSecure', () => {
    const req = makeRequest({ headers: { host: 'inside:8080' } });
    req.setHost('example.com', 443, true);
    expect(req.isSecure()).toBe(true);
    expect(req.getHeader('host')).toBe('example.com');
    expect(req.getHost()).toMatchObject({ host: 'example.com', port: 443 });
    expect(req.prePathURL()).toBe('https://example.com/');
    const other = makeRequest();
    other.setHost('example.com', 8443);
    expect(other.getHeader('host')).toBe('example.com:8443');
    expect(other.isSecure()).toBe(false);
  });

  it('lets setHost(…, false) make a request over TLS insecure, and leaves TLS to decide when not told', () => {
    const told = makeRequest({ secure: true });
    told.setHost('example.com', 80, false);
    expect(told.isSecure()).toBe(false);
    expect(told.getHeader('host')).toBe('example.com');
    expect(told.prePathURL()).toBe('http://example.com/');
    const untold = makeRequest({ secure: true });
    untold.setHost('example.com', 443);
    expect(untold.isSecure()).toBe(true);
    expect(untold.getHeader('host')).toBe('example.com');
  });

  it('lets setHost take an IPv6 address, bracketing it in the Host header so prePathURL stays whole', () => {
    const req = makeRequest({ headers: { host: 'inside' } });
    req.setHost('::1', 8080);
    expect(req.getHeader('host')).toBe('[::1]:8080');
    expect(req.getHost()).toMatchObject({ type: 'IPv6', host: '::1', port: 8080 });
    expect(req.getRequestHostname()).toBe('::1');
    expect(req.prePathURL()).toBe('http://[::1]:8080/');
  });

  it('builds URLPath from prePathURL, not from the whole URI', () => {
    const req = makeRequest({ uri: '/a/b?q=1', headers: { host: 'h' } });
    req.prepath = ['a'];
    expect(req.URLPath().toString()).toBe('http://h/a');
  });

  it('remembers the root URL as prePathURL minus its last segment', () => {
    const req = makeRequest({ headers: { host: 'h' } });
    req.prepath = ['app', 'page'];
    req.rememberRootURL();
    expect(req.getRootURL()).toBe('http://h/app');
  });

  it('makes childLink and sibLink relative to what is left of the path', () => {
    const req = makeRequest({ uri: '/echo/a/b%2Fc/' });
    req.prepath = ['echo'];
    req.postpath = ['a', 'b/c', ''];
    expect(req.childLink('kid')).toBe('../../kid');
    expect(req.sibLink('sib')).toBe('../../../sib');
    req.postpath = ['a'];
    expect(req.childLink('kid')).toBe('kid');
    req.postpath = [];
    expect(req.childLink('kid')).toBe('echo/kid');
    req.prepath = ['echo', ''];
    expect(req.childLink('kid')).toBe('kid');
  });
});
