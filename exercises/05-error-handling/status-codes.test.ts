/**
 * Graded tests for exercise 05. Each test sends one request (in memory) to a
 * `StatusCodes` root and checks that good segments get their page and bad ones a 404.
 */
import { describe, it } from 'vitest';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { expectResponse } from '../../tools/grading/wire.ts';

const { StatusCodes } = await subject<typeof import('./status-codes.ts')>(import.meta.url, 'status-codes.ts');

describe('StatusCodes.getChild', () => {
  const known: [path: string, page: string][] = [
    ['/404', '404 Not Found'],
    ['/418', "418 I'm a Teapot"],
    ['/200', '200 OK'],
  ];
  for (const [path, page] of known) {
    it(`answers ${path} with the page "${page}"`, async () => {
      const response = await request(new StatusCodes(), { uri: path });
      expectResponse(response, { code: 200, body: `<html><body>${page}</body></html>` });
    });
  }

  const bad: [path: string, segment: string, why: string][] = [
    ['/999', '999', 'Three digits, but STATUS_CODES has no 999.'],
    ['/abc', 'abc', 'Not a number at all.'],
    ['/2e2', '2e2', "Number('2e2') is 200, but a status is written as three digits."],
    ['/0xC8', '0xC8', "Number('0xC8') is 200 too."],
    ['/%20200', ' 200', "The segment is ' 200', with a space: Number() ignores the space, a status does not."],
    ['/constructor', 'constructor', "STATUS_CODES is a plain object: STATUS_CODES['constructor'] is a function, not a reason phrase."],
    ['/', '', 'The path / is one empty segment.'],
  ];
  for (const [path, segment, why] of bad) {
    it(`answers ${path} with the 404 page, naming the segment`, async () => {
      const response = await request(new StatusCodes(), { uri: path });
      expectResponse(response, { code: 404, bodyIncludes: ['No Such Status', `There is no HTTP status called ${segment}.`] }, why);
    });
  }

  it('escapes the segment it names in the 404 page', async () => {
    const response = await request(new StatusCodes(), { uri: '/%3Cb%3Ebold%3C%2Fb%3E' });
    expectResponse(response, { code: 404, bodyIncludes: 'There is no HTTP status called &lt;b&gt;bold&lt;/b&gt;.', bodyExcludes: '<b>' },
      'The segment is "<b>bold</b>". notFound() escapes it; building your own page without escaping would not.');
  });

  it('answers a path below a bad segment, and any method, with the same 404 page', async () => {
    const why = 'getChild should return the page notFound() makes: it is its own child, so /999/more gets it too, and it answers every method.';
    expectResponse(await request(new StatusCodes(), { uri: '/999/more' }), { code: 404, bodyIncludes: ['No Such Status', 'There is no HTTP status called 999.'] }, why);
    expectResponse(await request(new StatusCodes(), { uri: '/999', method: 'POST' }), { code: 404, bodyIncludes: ['No Such Status', 'There is no HTTP status called 999.'] }, why);
  });
});
