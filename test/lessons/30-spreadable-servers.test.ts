import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/testing.ts';
import * as lesson from '../../lessons/30-spreadable-servers/example.ts';
import type { LessonExample } from '../../lessons/lesson.ts';

const example: LessonExample = lesson;

describe('lesson 30: spreadable-servers', () => {
  let site: lesson.FrontSite;
  let url: string;
  beforeAll(async () => {
    site = await lesson.createSite({ logger: memoryLogger() });
    url = (await site.listen('tcp:0:interface=127.0.0.1')).url;
  });
  afterAll(() => site.close());

  it('suggests requests for every kind of user', () => {
    expect(example.tryThis.map((t) => t.path)).toEqual(expect.arrayContaining(['/~alice/', '/~bob.loom/', '/~carol.loom/']));
  });

  it("keeps bob's sessions under his own cookie, and counts his visits", async () => {
    const first = await fetch(`${url}~bob.loom/`);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^TWISTED_SESSION_~bob\.loom=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=lax$/);
    const second = await fetch(`${url}~bob.loom/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(await second.text()).toContain('<dt>visits in this session</dt><dd>2</dd>');
  });

  it("links bob's pages where the front serves them: childLink is relative to the page", async () => {
    const page = `${url}~bob.loom/notes/`;
    const href = /<a href="([^"]+)">a page further down/.exec(await (await fetch(page)).text())![1]!;
    expect(new URL(href, page).pathname).toBe('/~bob.loom/more');
  });
});

describe('lesson 30: closing', () => {
  it("stops bob's server and removes the temporary homes", async () => {
    const site = await lesson.createSite({ logger: memoryLogger() });
    const socket = join(site.homes, 'bob', '.loom-web.sock');
    expect(existsSync(socket)).toBe(true);
    await site.close();
    expect(existsSync(site.homes)).toBe(false);
  });
});
