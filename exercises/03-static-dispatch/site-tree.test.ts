/**
 * Graded tests for exercise 03. Each test sends one request (in memory) to the tree your
 * `buildTree()` returns and checks which page answered.
 */
import { describe, it } from 'vitest';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { expectResponse } from '../../tools/grading/wire.ts';

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
    });
  }

  for (const path of ['/contact', '/about/team', '/docs/missing', '/docs/install/more']) {
    it(`answers 404 for ${path}, which is not in the tree`, async () => {
      const response = await request(buildTree(), { uri: path });
      expectResponse(response, { code: 404 }, 'No page should be a leaf, and no child was put under this name.');
    });
  }
});
