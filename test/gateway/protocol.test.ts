import { describe, expect, it } from 'vitest';
import { LoomError } from '../../lib/errors.ts';
import { serializeError } from '../../lib/gateway/protocol.ts';

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
