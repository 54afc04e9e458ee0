import { describe, expect, it } from 'vitest';
import { LoomError } from '../../lib/errors.ts';
import { decodeOut, encodeOut, serializeError } from '../../lib/gateway/protocol.ts';

describe('serializeError', () => {
  it('keeps the name, message, stack and Loom code of an error, so it can be rebuilt on the main thread', () => {
    const error = new LoomError('LOOM_ERR_GATEWAY_VIOLATION', 'bad');
    expect(serializeError(error)).toEqual({ name: 'LoomError', message: 'bad', stack: error.stack, code: 'LOOM_ERR_GATEWAY_VIOLATION' });
  });

  it('turns a thrown value that is not an Error into a message', () => {
    expect(serializeError('just a string')).toEqual({ name: 'Error', message: 'just a string', stack: undefined, code: undefined });
    expect(structuredClone(serializeError(new TypeError('x'))).name).toBe('TypeError');
  });
});

describe('encodeOut / decodeOut', () => {
  it('carry every byte value unchanged, the head and the end of the call', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = encodeOut({ t: 'out', id: 3, head: [200, 'OK', [['Content-Type', 'application/octet-stream']]], chunks: [all.subarray(0, 100), all.subarray(100)], bytes: 256, done: true, error: null });
    const out = decodeOut(text);
    expect(out).toMatchObject({ t: 'out', id: 3, head: [200, 'OK', [['Content-Type', 'application/octet-stream']]], bytes: 256, done: true, error: null });
    expect(out.chunks).toHaveLength(1);
    expect([...out.chunks[0]!]).toEqual([...all]);
  });

  it('carry an error, and no chunk when there were no bytes', () => {
    const error = serializeError(new LoomError('LOOM_ERR_GATEWAY_APP', 'no app'));
    const out = decodeOut(encodeOut({ t: 'out', id: 4, head: null, chunks: [], bytes: 0, done: true, error }));
    expect(out.chunks).toEqual([]);
    expect(out.error).toMatchObject({ name: 'LoomError', message: 'no app', code: 'LOOM_ERR_GATEWAY_APP' });
  });
});
