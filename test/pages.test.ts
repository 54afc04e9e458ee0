import { describe, expect, it } from 'vitest';
import { ErrorPage, errorPage, forbidden, notFound } from '../lib/pages.ts';
import { Resource } from '../lib/resource.ts';
import { makeRequest, render, request } from '../lib/testing.ts';

describe('error pages', () => {
  it('escape brief and detail', async () => {
    const response = await render(errorPage(400, '<b>bad</b>', 'a "quote" & <i>tag</i>'));
    expect(response.code).toBe(400);
    expect(response.text).toContain('<title>400 - &lt;b&gt;bad&lt;/b&gt;</title>');
    expect(response.text).toContain('a &quot;quote&quot; &amp; &lt;i&gt;tag&lt;/i&gt;');
    expect(response.text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(response.headers.getLast('content-type')).toBe('text/html; charset=utf-8');
  });

  it('give notFound and forbidden Twisted\'s default texts and codes', async () => {
    const nf = await render(notFound());
    expect(nf.code).toBe(404);
    expect(nf.text).toContain('No Such Resource');
    expect(nf.text).toContain('Sorry. No luck finding that resource.');
    const fb = await render(forbidden());
    expect(fb.code).toBe(403);
    expect(fb.text).toContain('Forbidden Resource');
    expect(fb.text).toContain('Sorry, resource is forbidden.');
  });

  it('are their own child at every depth, except children put in on purpose', async () => {
    const page = notFound();
    expect(page.getChildWithDefault('x', makeRequest())).toBe(page);
    const exception = new Resource();
    page.putChild('ok', exception);
    expect(page.getChildWithDefault('ok', makeRequest())).toBe(exception);
    expect((await request(page, { uri: '/a/b/c' })).code).toBe(404);
  });

  it('answer every method, HEAD without a body', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) expect((await render(notFound(), makeRequest({ method }))).code).toBe(404);
    const head = await render(new ErrorPage(410, 'Gone', 'gone'), makeRequest({ method: 'HEAD' }));
    expect(head.code).toBe(410);
    expect(head.body.length).toBe(0);
  });
});
