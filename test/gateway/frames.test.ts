import { describe, expect, it } from 'vitest';
import { environFromRequest } from '../../lib/gateway/environ.ts';
import { readAnswer, readCall, TooBig, writeAnswer, writeCall } from '../../lib/gateway/frames.ts';
import { makeRequest } from '../../lib/testing.ts';

describe('writeCall / readCall', () => {
  const environ = { REQUEST_METHOD: 'POST', PATH_INFO: '/a\u0000b/é/\u{1F600}', HTTP_X_LATIN: 'caf\u00e9' };

  it('give back the same call, environ and small body, with every kind of character', () => {
    const slot = Buffer.alloc(4096);
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const written = writeCall(slot, { id: 7, module: '/apps/a.ts', exportName: 'app', environ, body, bodyEnd: true });
    expect([written.environHere, written.bodyHere]).toEqual([true, true]);
    const call = readCall(slot.subarray(0, written.length));
    expect(call).toEqual({ id: 7, module: '/apps/a.ts', exportName: 'app', environ, body: Buffer.from(body), bodyEnd: true });
  });

  it('leaves out a body that does not fit, and says it must follow (the body is not at its end)', () => {
    const slot = Buffer.alloc(512);
    const written = writeCall(slot, { id: 1, module: 'm', exportName: 'e', environ, body: new Uint8Array(1000), bodyEnd: true });
    expect([written.environHere, written.bodyHere]).toEqual([true, false]);
    expect(readCall(slot.subarray(0, written.length))).toMatchObject({ environ, body: null, bodyEnd: false });
  });

  it('keeps names and values apart whatever their characters, a lone surrogate coming back as U+FFFD', () => {
    const slot = Buffer.alloc(1024);
    const odd = { 'X_\u00e9\u{1F600}': 'a\u{1F600}b', LONE: 'x\ud800y', EMPTY: '', '': 'no name' };
    const written = writeCall(slot, { id: 2, module: 'm', exportName: 'e', environ: odd, body: null, bodyEnd: true });
    expect(readCall(slot.subarray(0, written.length)).environ).toEqual({ ...odd, LONE: 'x\ufffdy' });
  });

  it('gives back an environ made from a Request (its usual names first) with every name and value, in order', () => {
    const request = makeRequest({ method: 'POST', uri: '/app/x?q=é', headers: { 'content-type': 'text/plain', 'x-odd-é': 'v\u{1F600}', cookie: 'a=1' } });
    const made = environFromRequest(request);
    const slot = Buffer.alloc(4096);
    const written = writeCall(slot, { id: 3, module: 'm', exportName: 'e', environ: made, body: null, bodyEnd: true });
    expect(Object.entries(readCall(slot.subarray(0, written.length)).environ!)).toEqual(Object.entries(made));
  });

  it('gives back an environ whose first names are known ones out of the usual order', () => {
    const shuffled = { SCRIPT_NAME: '', REQUEST_METHOD: 'GET', HTTP_HOST: 'h', PATH_INFO: '/', QUERY_STRING: '', CONTENT_TYPE: '', CONTENT_LENGTH: '',
      SERVER_NAME: 'h', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: '::1', REMOTE_PORT: '1', 'gateway.url_scheme': 'http' };
    const slot = Buffer.alloc(4096);
    const written = writeCall(slot, { id: 4, module: 'm', exportName: 'e', environ: shuffled, body: null, bodyEnd: true });
    expect(Object.entries(readCall(slot.subarray(0, written.length)).environ!)).toEqual(Object.entries(shuffled));
  });

  it('leaves out an environ that does not fit', () => {
    const slot = Buffer.alloc(512);
    const written = writeCall(slot, { id: 1, module: 'm', exportName: 'e', environ: { HTTP_BIG: 'x'.repeat(600) }, body: null, bodyEnd: true });
    expect(written.environHere).toBe(false);
    expect(readCall(slot.subarray(0, written.length))).toMatchObject({ environ: null, body: null, bodyEnd: true });
  });

  it('marks a call whose body streams (no body here, not at its end)', () => {
    const slot = Buffer.alloc(512);
    const written = writeCall(slot, { id: 1, module: 'm', exportName: 'e', environ: {}, body: null, bodyEnd: false });
    expect(written.bodyHere).toBe(false);
    expect(readCall(slot.subarray(0, written.length)).bodyEnd).toBe(false);
  });
});

describe('writeAnswer / readAnswer', () => {
  it('give back the head, the body as one chunk and no error, counting no bytes in flight', () => {
    const slot = Buffer.alloc(1024);
    const length = writeAnswer(slot, [201, 'Created', [['X-Multi', 'one'], ['X-Multi', 'caf\u00e9']]], [Buffer.from('ab'), Buffer.from('c')], 3, null);
    expect(readAnswer(9, slot.subarray(0, length))).toEqual({
      t: 'out', id: 9, head: [201, 'Created', [['X-Multi', 'one'], ['X-Multi', 'caf\u00e9']]], chunks: [Buffer.from('abc')], bytes: 0, done: true, error: null,
    });
  });

  it('give back an error without a head, with or without its stack and code', () => {
    const slot = Buffer.alloc(1024);
    for (const error of [{ name: 'Error', message: 'm', stack: 'Error: m\n  at x', code: 'LOOM_ERR_GATEWAY_APP' }, { name: 'TypeError', message: 'n', stack: undefined, code: undefined }]) {
      const length = writeAnswer(slot, null, [], 0, error);
      expect(readAnswer(1, slot.subarray(0, length))).toMatchObject({ head: null, chunks: [], error });
    }
  });

  it('throws TooBig when the answer does not fit, so the worker sends it by its port', () => {
    expect(() => writeAnswer(Buffer.alloc(64), null, [new Uint8Array(100)], 100, null)).toThrow(TooBig);
  });
});
