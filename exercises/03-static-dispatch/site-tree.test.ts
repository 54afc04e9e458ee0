/**
 * Graded tests for exercise 03. Each test sends one request (in memory) to the tree your
 * `buildTree()` returns and checks which page answered, and that the walk found it
 * through children put there with `putChild`.
 */
import { describe, it } from 'vitest';
import { request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript, walkAsTraced } from '../../tools/grading/wire.ts';

const { buildTree } = await subject<typeof import('./site-tree.ts')>(import.meta.url, 'site-tree.ts');

const page = (text: string) => `<html><body>${text}</body></html>`;

describe('buildTree', () => {
  const found: [path: string, text: string, why: string][] = [
    ['/', 'Welcome!', "The path / is one empty segment: the root's child named ''."],
    ['/about', 'About us', "The root's child named 'about'."],
    ['/docs', 'Documentation', "The root's child named 'docs'."],
    ['/docs/install', 'How to install', "docs's child named 'install'."],
    ['/docs/', 'Documentation', "The path /docs/ asks docs for its child named ''."],
  ];
  for (const [path, text, why] of found) {
    it(`answers ${path} with the page "${text}"`, async () => {
      const response = await request(buildTree(), { uri: path });
      expectResponse(response, { code: 200, body: page(text) }, why);
      expectStaticWalk(response, why);
    });
  }

  for (const path of ['/contact', '/about/team', '/docs/missing', '/docs/install/more']) {
    it(`answers 404 for ${path}, which is not in the tree`, async () => {
      const response = await request(buildTree(), { uri: path });
      expectResponse(response, { code: 404 }, 'No page should be a leaf, and no child was put under this name.');
    });
  }
});

/**
 * Fail when a step of the walk came from a `getChild` override rather than from a child
 * put there with `putChild`: the exercise is static dispatch, and the walk says which.
 */
function expectStaticWalk(response: TestResponse, why: string): void {
  const trace = response.trace ?? [];
  const dynamic = trace.filter((e) => e.kind === 'child' && e.dispatch === 'dynamic');
  if (dynamic.length === 0) return;
  const steps = dynamic.map((e) => (e.kind === 'child' ? `"${e.segment}" (asked of ${e.parent})` : '')).join(', ');
  throw new GradingError(transcript(response, [
    `expected every step of the walk to find a child put there with putChild, but getChild made ${steps}`,
    walkAsTraced(trace, '03'),
  ], `${why} Build the tree with putChild; getChild is lesson 04's dynamic dispatch.`));
}
