import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyDigest } from '../../lib/cred.ts';
import { DigestCredentialFactory, formatChallenge, parseDigestFields } from '../../lib/guard/index.ts';
import { FakeClock, makeRequest } from '../../lib/testing.ts';

/** Answer a challenge the way a client does (RFC 7616 §3.4.1). */
function answer(challenge: Map<string, string>, opts: { user?: string; password?: string; uri?: string; method?: string; nc?: string; algorithm?: string } = {}): string {
  const alg = opts.algorithm ?? challenge.get('algorithm')!;
  const h = (s: string) => createHash(alg.startsWith('SHA-256') ? 'sha256' : 'md5').update(s).digest('hex');
  const user = opts.user ?? 'alice';
  const uri = opts.uri ?? '/private';
  const nc = opts.nc ?? '00000001';
  const cnonce = 'c0ffee';
  let ha1 = h(`${user}:${challenge.get('realm')}:${opts.password ?? 'secret'}`);
  if (alg.endsWith('-sess')) ha1 = h(`${ha1}:${challenge.get('nonce')}:${cnonce}`);
  const response = h(`${ha1}:${challenge.get('nonce')}:${nc}:${cnonce}:auth:${h(`${opts.method ?? 'GET'}:${uri}`)}`);
  return `username="${user}", realm="${challenge.get('realm')}", nonce="${challenge.get('nonce')}", uri="${uri}", algorithm=${alg}, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}", opaque="${challenge.get('opaque')}"`;
}

function setup(algorithm: 'MD5' | 'SHA-256' | 'MD5-sess' | 'SHA-256-sess' = 'SHA-256') {
  const clock = new FakeClock(1_700_000_000);
  const factory = new DigestCredentialFactory(algorithm, 'loom', { clock });
  const challenge = new Map(factory.getChallenge(makeRequest({ uri: '/private' })));
  return { clock, factory, challenge };
}

describe('DigestCredentialFactory', () => {
  it('challenges with realm, qop, algorithm, nonce and opaque', () => {
    const { challenge } = setup();
    expect([...challenge.keys()]).toEqual(['realm', 'qop', 'algorithm', 'nonce', 'opaque']);
    expect(challenge.get('qop')).toBe('auth');
    expect(challenge.get('algorithm')).toBe('SHA-256');
  });

  for (const algorithm of ['MD5', 'SHA-256', 'MD5-sess', 'SHA-256-sess'] as const) {
    it(`accepts a correct ${algorithm} response, which verifies only with the right password`, () => {
      const { factory, challenge } = setup(algorithm);
      const credentials = factory.decode(answer(challenge), makeRequest({ uri: '/private' }));
      expect(credentials.username).toBe('alice');
      expect(verifyDigest(credentials, 'secret')).toBe(true);
      expect(verifyDigest(credentials, 'wrong')).toBe(false);
    });
  }

  it('refuses a replayed nonce count, and accepts the next one', () => {
    const { factory, challenge } = setup();
    const req = () => makeRequest({ uri: '/private' });
    factory.decode(answer(challenge, { nc: '00000001' }), req());
    expect(() => factory.decode(answer(challenge, { nc: '00000001' }), req())).toThrow(/used before/);
    expect(factory.decode(answer(challenge, { nc: '00000002' }), req()).username).toBe('alice');
    expect(() => factory.decode(answer(challenge, { nc: '00000002' }), req())).toThrow(/used before/);
  });

  it('refuses a nonce older than its lifetime', () => {
    const { factory, challenge, clock } = setup();
    clock.advance(901);
    expect(() => factory.decode(answer(challenge), makeRequest({ uri: '/private' }))).toThrow(/expired/);
  });

  it('refuses a nonce it did not issue, or issued to another client', () => {
    const { factory, challenge } = setup();
    const forged = new Map(challenge).set('nonce', `1700000000.${'0'.repeat(24)}.${'f'.repeat(32)}`);
    expect(() => factory.decode(answer(forged), makeRequest({ uri: '/private' }))).toThrow(/not one this server issued/);
    const elsewhere = makeRequest({ uri: '/private', client: { type: 'IPv4', host: '203.0.113.9', port: 1 } });
    expect(() => factory.decode(answer(challenge), elsewhere)).toThrow(/not one this server issued to this client/);
  });

  it('refuses a response computed for another URI, realm or algorithm', () => {
    const { factory, challenge } = setup();
    expect(() => factory.decode(answer(challenge, { uri: '/other' }), makeRequest({ uri: '/private' }))).toThrow(/another URI/);
    expect(() => factory.decode(answer(new Map(challenge).set('realm', 'x')), makeRequest({ uri: '/private' }))).toThrow(/another realm/);
    expect(() => factory.decode(answer(challenge, { algorithm: 'MD5' }), makeRequest({ uri: '/private' }))).toThrow(/was for SHA-256/);
  });

  it('refuses malformed responses with a 401 error, never a crash', () => {
    const { factory } = setup();
    for (const bad of ['', 'garbage', 'username=', 'username="a", nonce="x"', '"unterminated', 'nonce="1.2.3", username="a", uri="/private", response="x", qop=auth, nc=zz']) {
      expect(() => factory.decode(bad, makeRequest({ uri: '/private' })), bad).toThrow(expect.objectContaining({ code: 'LOOM_ERR_UNAUTHORIZED' }));
    }
  });
});

describe('parseDigestFields and formatChallenge', () => {
  it('reads quoted and bare values, with escapes', () => {
    expect(Object.fromEntries(parseDigestFields('username="a\\"b", nc=00000001 , qop=auth,realm="x, y"'))).toEqual({ username: 'a"b', nc: '00000001', qop: 'auth', realm: 'x, y' });
  });

  it('escapes quotes and backslashes in challenge values', () => {
    expect(formatChallenge('basic', [['realm', 'a "b" \\c']])).toBe('basic realm="a \\"b\\" \\\\c"');
  });
});
