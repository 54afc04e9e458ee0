import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Site } from '../../lib/index.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/28-vhost-monster/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const { backRoot, createSite } = lesson;

describe('lesson 28: vhost-monster', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('answers every tryThis request through the front, never the back Site directly', async () => {
    const answer = await send({ note: '', path: '/where', headers: { Host: 'www.example.org' } }, server.url);
    expect(answer.text).toContain('Host header: www.example.org\n');
  });
});

describe('lesson 28: the back Site on its own', () => {
  it('answers a monster URL sent to it directly with the public URL, as the proxy would get', async () => {
    const site = new Site(backRoot(), { logger: memoryLogger() });
    const response = await request(site, { uri: '/vhm/https/www.example.org:8443/where?x=1' });
    expect(response.text).toBe('prePathURL: https://www.example.org:8443/where\nisSecure: true\nHost header: www.example.org:8443\nuri: /where?x=1\n');
  });

  it('answers 400 for a monster URL with a scheme it does not know', async () => {
    const site = new Site(backRoot(), { logger: memoryLogger() });
    const response = await request(site, { uri: '/vhm/ftp/www.example.org/where' });
    expect(response.code).toBe(400);
  });

  it('stops the back Site when the front Site closes', async () => {
    const front = await createSite({ logger: memoryLogger() });
    expect((await fetch(`${front.backUrl}where`)).status).toBe(200);
    await front.close();
    await expect(fetch(`${front.backUrl}where`)).rejects.toThrow();
  });
});
