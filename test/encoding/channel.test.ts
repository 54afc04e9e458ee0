import { brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Transform } from 'node:stream';
import { BrotliEncoderFactory, GzipEncoderFactory, type CompressStream, type RequestEncoderFactory } from '../../lib/encoding/encoders.ts';
import { EncodingChannel, WHOLE_BODY_LIMIT } from '../../lib/encoding/channel.ts';
import { EncodingResourceWrapper } from '../../lib/encoding/wrapper.ts';
import type { Request } from '../../lib/request.ts';
import { NOT_DONE_YET, Resource } from '../../lib/resource.ts';
import { FakeClock, MemoryChannel, makeRequest, request, testSite, type RequestOptions } from '../../lib/testing.ts';
import { within } from '../support/within.ts';
import { decoded, ended, prose } from './support.ts';

const BODY = prose(5000);

/** A page of `BODY` whose headers and status a test can set. */
function page(setup: (request: Request) => void = () => {}): EncodingResourceWrapper {
  class Page extends Resource {
    override isLeaf = true;
    render_GET(req: Request): string {
      req.setHeader('content-type', 'text/plain');
      req.setETag('"v1"');
      setup(req);
      return BODY;
    }
  }
  return new EncodingResourceWrapper(new Page(), [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
}

async function get(tree: EncodingResourceWrapper, options: RequestOptions) {
  const response = await request(tree, options);
  await ended(response.channel);
  return response;
}

const GZIP = { 'accept-encoding': 'gzip' };

describe('EncodingChannel: what it encodes', () => {
  it('sends a whole body compressed with its exact Content-Length, Vary and a weak ETag', async () => {
    const r = await get(page(), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(r.headers.getLast('content-length')).toBe(String(r.channel.body.length));
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(r.headers.getLast('etag')).toBe('W/"v1"');
    expect(gunzipSync(r.channel.body).toString()).toBe(BODY);
  });

  it('streams a whole body larger than WHOLE_BODY_LIMIT, so it sends no Content-Length', async () => {
    const big = prose(WHOLE_BODY_LIMIT + 1);
    class Big extends Resource {
      override isLeaf = true;
      render_GET(req: Request): string {
        req.setHeader('content-type', 'text/plain');
        return big;
      }
    }
    const r = await get(new EncodingResourceWrapper(new Big(), [new GzipEncoderFactory()]), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(r.headers.getLast('content-length')).toBeUndefined();
    expect(gunzipSync(r.channel.body).toString()).toBe(big);
  });

  it('adds Accept-Encoding to a Vary the resource set, once', async () => {
    const r = await get(page((req) => req.setHeader('vary', 'Cookie')), { headers: GZIP });
    expect(r.headers.getRawHeaders('vary')).toEqual(['Cookie, Accept-Encoding']);
    const again = await get(page((req) => req.setHeader('vary', 'accept-encoding')), { headers: GZIP });
    expect(again.headers.getRawHeaders('vary')).toEqual(['accept-encoding']);
  });

  it('sends Vary on the identity it sends a client that takes no coding', async () => {
    const r = await get(page(), { headers: { 'accept-encoding': 'identity' } });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(r.headers.getLast('etag')).toBe('"v1"');
    expect(r.headers.getLast('content-length')).toBe(String(BODY.length));
  });
});

describe('EncodingChannel: what it leaves alone', () => {
  it('answers HEAD with the headers GET would have, no identity Content-Length, and no body', async () => {
    const r = await get(page(), { method: 'HEAD', headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(r.headers.getLast('etag')).toBe('W/"v1"');
    expect(r.headers.getLast('content-length')).toBeUndefined();
    expect(r.channel.body.length).toBe(0);
  });

  it('answers a matching If-None-Match with a 304 that keeps the weak ETag and Vary', async () => {
    const r = await get(page(), { headers: { ...GZIP, 'if-none-match': 'W/"v1"' } });
    expect(r.code).toBe(304);
    expect(r.headers.getLast('etag')).toBe('W/"v1"');
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(r.channel.body.length).toBe(0);
  });

  it('sends a Range request the identity, since ranges count identity bytes', async () => {
    const r = await get(page(), { headers: { ...GZIP, range: 'bytes=0-9' } });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
  });

  it('does not touch a response that says Cache-Control: no-transform', async () => {
    const r = await get(page((req) => req.setHeader('cache-control', 'public, no-transform')), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.headers.getLast('vary')).toBeUndefined();
    expect(r.text).toBe(BODY);
  });

  it.each(['image/png', 'video/mp4', 'application/zip', 'application/gzip', 'font/woff2'])('does not compress %s', async (type) => {
    const r = await get(page((req) => req.setHeader('content-type', type)), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.text).toBe(BODY);
  });

  it.each(['text/html; charset=utf-8', 'application/json', 'image/svg+xml', 'text/css', 'application/javascript'])('compresses %s', async (type) => {
    const r = await get(page((req) => req.setHeader('content-type', type)), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
  });

  it('sends a body shorter than minLength as it is, with Vary', async () => {
    class Short extends Resource {
      override isLeaf = true;
      render_GET(): string { return 'short'; }
    }
    const r = await get(new EncodingResourceWrapper(new Short(), [new GzipEncoderFactory()]), { headers: GZIP });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(r.text).toBe('short');
  });

  it('sends a 204 with no coding and no Vary', async () => {
    const r = await get(page((req) => req.setResponseCode(204)), { headers: GZIP });
    expect(r.code).toBe(204);
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
  });
});

/** A NOT_DONE_YET page writing three chunks a clock tick (100 ms) apart. */
class Slow extends Resource {
  override isLeaf = true;
  readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    super();
    this.clock = clock;
  }
  render_GET(req: Request): typeof NOT_DONE_YET {
    req.setHeader('content-type', 'text/html');
    const chunks = ['<p>one</p>', '<p>two</p>', '<p>three</p>'];
    const next = (i: number): void => {
      req.write(chunks[i]!);
      if (i + 1 < chunks.length) this.clock.callLater(0.1, () => next(i + 1));
      else req.finish();
    };
    next(0);
    return NOT_DONE_YET;
  }
}

/** What the client can decode of the bytes it has so far (a stream not yet ended). */
function decodedSoFar(channel: MemoryChannel, coding: string): string {
  const bytes = channel.body;
  if (bytes.length === 0) return '';
  return (coding === 'gzip'
    ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH })
    : brotliDecompressSync(bytes, { finishFlush: constants.BROTLI_OPERATION_FLUSH })).toString();
}

/** Resolves once the client can decode exactly `text` from what it has received. */
function arrives(channel: MemoryChannel, coding: string, text: string): Promise<void> {
  return within(new Promise<void>((resolve) => {
    const check = () => (decodedSoFar(channel, coding) === text ? resolve() : setImmediate(check));
    check();
  }), 5000, `"${text}" decoded`, () => decodedSoFar(channel, coding));
}

describe.each(['gzip', 'br'])('EncodingChannel streaming a NOT_DONE_YET page through %s', (coding) => {
  it('delivers each of three writes 100 ms apart as its own piece, before the next is written', async () => {
    const clock = new FakeClock();
    const tree = new EncodingResourceWrapper(new Slow(clock), [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
    const site = testSite(tree);
    const req = makeRequest({ headers: { 'accept-encoding': coding } }, site);
    const channel = req.channel as MemoryChannel;
    site.dispatch(req);
    await arrives(channel, coding, '<p>one</p>');
    clock.advance(0.1);
    await arrives(channel, coding, '<p>one</p><p>two</p>');
    clock.advance(0.1);
    await ended(channel);
    expect(channel.head?.headers.getLast('content-encoding')).toBe(coding);
    expect(channel.head?.headers.getLast('content-length')).toBeUndefined();
    expect(decoded(channel).toString()).toBe('<p>one</p><p>two</p><p>three</p>');
  });
});

/**
 * A connection the test can fill: while `full`, every write is taken but answered false
 * (as a socket past its high-water mark is), and drain listeners wait for `open()`.
 */
class FillableChannel extends MemoryChannel {
  full = true;
  writesWhileFull = 0;
  readonly #waiting: (() => void)[] = [];

  override write(chunk: Uint8Array | string): boolean {
    super.write(chunk);
    if (!this.full) return true;
    this.writesWhileFull++;
    return false;
  }

  override onDrain(listener: () => void): void {
    if (this.full) this.#waiting.push(listener);
    else super.onDrain(listener);
  }

  open(): void {
    this.full = false;
    for (const listener of this.#waiting.splice(0)) listener();
  }
}

/**
 * An "encoder" that passes bytes through in JavaScript, so that every step of the pipe is
 * a tick of this thread (zlib works on the thread pool, and a test could only guess when
 * it is done). It stands in for zlib's stream, whose flush() it accepts and ignores.
 */
class PassThroughEncoder implements RequestEncoderFactory {
  readonly encoding = 'x-pass';
  readonly flushKind = 0;
  encodeWhole(body: Uint8Array): Buffer {
    return Buffer.from(body);
  }
  createStream(): CompressStream {
    const stream = new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, chunk) });
    // Not zlib's, but all the channel asks of one: a Transform that can be flushed.
    return Object.assign(stream, { flush: (_kind?: number, callback?: () => void) => callback?.() }) as unknown as CompressStream;
  }
}

/** Every tick this thread has queued has run (nothing here waits on another thread). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EncodingChannel under backpressure', () => {
  it('stops pushing into a full connection, holds the writer back, and sends every byte once it drains', async () => {
    const out = new FillableChannel();
    const channel = new EncodingChannel(out, { encoder: new PassThroughEncoder(), isHead: false, isRanged: false, minLength: 0 });
    channel.writeHead(200, 'OK', ['Content-Type', 'text/plain']);
    const pieces = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, i));
    let written = 0;
    const writer = (async () => {
      for (const piece of pieces) {
        written++;
        if (!channel.write(piece)) await new Promise<void>((resolve) => channel.onDrain(resolve));
      }
      channel.end();
    })();
    // Several turns of the event loop, each running every tick queued before it: a pipe
    // that kept pushing, or a writer that was not held, would have moved on meanwhile.
    for (let turn = 0; turn < 5; turn++) await settled();
    // The pipe paused at the first refused write, and the writer is waiting, far from done.
    expect(out.writesWhileFull).toBe(1);
    expect(written).toBeLessThan(8);
    out.open();
    await writer;
    await ended(out);
    expect(out.body.equals(Buffer.concat(pieces))).toBe(true);
  });
});
