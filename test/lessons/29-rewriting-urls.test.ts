import { describe, expect, it } from 'vitest';
import { RewriterResource } from '../../lib/index.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import * as lesson from '../../lessons/29-rewriting-urls/example.ts';

const { createSite } = lesson;

describe('lesson 29: rewriting-urls', () => {
  it('puts a RewriterResource with two rules at the root', () => {
    const root = createSite({ logger: memoryLogger() }).resource;
    expect(root).toBeInstanceOf(RewriterResource);
    expect((root as RewriterResource).rewriteRules).toHaveLength(2);
  });

  it('answers a rewritten URL with the page itself, never a redirect', async () => {
    const response = await request(createSite({ logger: memoryLogger() }), { uri: '/~alice/' });
    expect(response.code).toBe(200);
    expect(response.headers.hasHeader('location')).toBe(false);
    expect(response.text).toContain('Home page of alice');
  });

  it('escapes the URL it shows, which the client chose', async () => {
    const response = await request(createSite({ logger: memoryLogger() }), { uri: '/docs/?q=%3Cb%3E<i>' });
    expect(response.code).toBe(200);
    expect(response.text).not.toContain('<i>');
  });
});
