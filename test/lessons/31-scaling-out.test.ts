import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/testing.ts';
import * as lesson from '../../lessons/31-scaling-out/example.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import { requires } from '../support/programs.ts';

const example: LessonExample = lesson;
const deployment = requires('nginx and redis-server', {
  find: () => (lesson.needs.every((need) => requires(need.program).path !== null) ? 'both' : null),
  install: 'apt-get install nginx-light redis-server',
});

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('lesson 31: scaling-out', () => {
  it('says which programs it runs, for the runner and the lesson checks', () => {
    expect(example.needs?.map((n) => n.program)).toEqual(['nginx', 'redis-server']);
  });

  deployment.it('keeps one session across both Loom processes behind nginx, and stops every program it started', async () => {
    const site = await lesson.createSite({ logger: memoryLogger() });
    let pids: (number | undefined)[] = [];
    try {
      const { url } = await site.listen('tcp:0:interface=127.0.0.1');
      pids = [site.redis.pid, site.nginx?.pid, ...site.looms.map((l) => l.pid)];
      let cookie = '';
      const served: string[] = [];
      for (let visit = 1; visit <= 4; visit++) {
        const response = await fetch(url, { headers: cookie === '' ? {} : { cookie } });
        cookie ||= response.headers.get('set-cookie')!.split(';')[0]!;
        const text = await response.text();
        expect(text).toContain(`visits in this session: ${visit}\n`);
        served.push(/served by process (\d+)/.exec(text)![1]!);
      }
      expect(new Set(served)).toEqual(new Set(site.looms.map((l) => String(l.pid))));
    } finally {
      await site.close();
    }
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
