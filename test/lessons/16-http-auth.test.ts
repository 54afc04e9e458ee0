import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, memoryLogger, request } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/16-http-auth/example.ts';
import { curl, requires } from '../support/programs.ts';
import { startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const { basicAuthorization, createSite } = lesson;

const curlProgram = requires('curl');

describe('lesson 16: http-auth', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('sends one lower-case Basic challenge at /basic/ and one SHA-256 Digest challenge at /digest/', async () => {
    const site = createSite({ logger: memoryLogger(), clock: new FakeClock() });
    const basic = await request(site, { uri: '/basic/' });
    expect(basic.headers.getRawHeaders('www-authenticate')).toEqual(['basic realm="Loom lesson 16"']);
    const digest = await request(site, { uri: '/digest/' });
    expect(digest.headers.getRawHeaders('www-authenticate')).toEqual([
      expect.stringMatching(/^digest realm="Loom lesson 16", qop="auth", algorithm="SHA-256", nonce="[^"]+", opaque="[0-9a-f]+"$/),
    ]);
  });

  it('counts finished requests per user through the logout function', async () => {
    const site = createSite({ logger: memoryLogger() });
    const alice = { authorization: basicAuthorization('alice', 'wonderland') };
    expect((await request(site, { uri: '/basic/', headers: alice })).text).toContain('Requests of yours finished before this one: 0.');
    await request(site, { uri: '/basic/notes.txt', headers: alice });
    expect((await request(site, { uri: '/basic/', headers: alice })).text).toContain('Requests of yours finished before this one: 2.');
    const bob = { authorization: basicAuthorization('bob', 'builder') };
    expect((await request(site, { uri: '/basic/', headers: bob })).text).toContain('Hello, bob. Requests of yours finished before this one: 0.');
  });

  it('redirects /basic to /basic/ once the client has logged in', async () => {
    const site = createSite({ logger: memoryLogger() });
    const response = await request(site, { uri: '/basic', headers: { authorization: basicAuthorization('bob', 'builder') } });
    expect(response.code).toBe(302);
    expect(response.headers.getLast('location')).toMatch(/\/basic\/$/);
  });

  it('keeps each user to their own pages: a 404 below them, never another user\'s', async () => {
    const site = createSite({ logger: memoryLogger() });
    const response = await request(site, { uri: '/basic/alice/notes.txt', headers: { authorization: basicAuthorization('bob', 'builder') } });
    expect(response.code).toBe(404);
  });

  curlProgram.describe('with curl, as the lesson shows', () => {
    it('lets curl -u alice:wonderland in with Basic, and turns a wrong password away', async () => {
      expect(await curl('-u', 'alice:wonderland', `${server.url}basic/notes.txt`)).toEqual({ code: '200', body: 'Notes for alice: only alice can read this.\n' });
      expect((await curl('-u', 'alice:guess', `${server.url}basic/`)).code).toBe('401');
    });

    it('lets curl --digest -u bob:builder in with Digest', async () => {
      expect(await curl('--digest', '-u', 'bob:builder', `${server.url}digest/notes.txt`)).toEqual({ code: '200', body: 'Notes for bob: only bob can read this.\n' });
    });

    it('turns alice away from Digest, because her password is stored as a hash', async () => {
      expect((await curl('--digest', '-u', 'alice:wonderland', `${server.url}digest/`)).code).toBe('401');
    });
  });
});
