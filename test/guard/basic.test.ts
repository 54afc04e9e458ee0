import { describe, expect, it } from 'vitest';
import { BasicCredentialFactory } from '../../lib/guard/index.ts';

const factory = new BasicCredentialFactory('my realm');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('BasicCredentialFactory', () => {
  it('challenges with its realm under the lower-case scheme', () => {
    expect(factory.scheme).toBe('basic');
    expect(factory.getChallenge()).toEqual([['realm', 'my realm']]);
  });

  it('decodes a name and password, splitting at the first colon', () => {
    expect(factory.decode(b64('alice:se:cret'))).toEqual({ kind: 'username-password', username: 'alice', password: 'se:cret' });
  });

  it('tolerates missing padding, and decodes UTF-8', () => {
    expect(factory.decode(b64('ü:x').replace(/=+$/, ''))).toMatchObject({ username: 'ü', password: 'x' });
  });

  it('refuses invalid base64 and a value with no colon with a 401 error', () => {
    for (const bad of ['!!!', 'YWxpY2U=', 'a b', '']) {
      expect(() => factory.decode(bad), bad).toThrow(expect.objectContaining({ code: 'LOOM_ERR_UNAUTHORIZED', status: 401 }));
    }
  });
});
