/**
 * Graded tests for exercise 07. Each test posts a form (in memory, as a browser would
 * send it) to /guestbook, then checks the answer and, with a GET, what was stored.
 */
import { describe, it } from 'vitest';
import { request } from '../../lib/testing.ts';
import type { IResource } from '../../lib/index.ts';
import { subject } from '../../tools/grading/subject.ts';
import { expectResponse } from '../../tools/grading/wire.ts';

const { createRoot } = await subject<typeof import('./guestbook.ts')>(import.meta.url, 'guestbook.ts');

/** POST `fields` to /guestbook as a urlencoded form, the way a browser sends one (pairs for a field sent twice). */
function post(root: IResource, fields: Record<string, string> | [string, string][]) {
  return request(root, {
    method: 'POST',
    uri: '/guestbook',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

const THANKS = (name: string) => `<html><body>Thank you, ${name}!</body></html>`;
const PLEASE = '<html><body>Please give both a name and a message.</body></html>';

describe('Guestbook.render_POST', () => {
  it('adds a posted entry and thanks the visitor by name', async () => {
    const root = createRoot();
    expectResponse(await post(root, { name: 'Ann', message: 'Lovely site' }), { code: 200, body: THANKS('Ann') });
    expectResponse(await request(root, { uri: '/guestbook' }), { code: 200, bodyIncludes: '<li><b>Ann</b>: Lovely site</li>' },
      'After the POST, the guestbook page should list the new entry.');
  });

  it('keeps every entry, in the order they came', async () => {
    const root = createRoot();
    await post(root, { name: 'Ann', message: 'First' });
    await post(root, { name: 'Bo', message: 'Second' });
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<ul><li><b>Ann</b>: First</li><li><b>Bo</b>: Second</li></ul>' });
  });

  it('reads the fields of a multipart form just the same', async () => {
    const root = createRoot();
    const boundary = 'loom-boundary';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const response = await request(root, {
      method: 'POST',
      uri: '/guestbook',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: part('name', 'Cy') + part('message', 'Hi') + `--${boundary}--\r\n`,
    });
    expectResponse(response, { code: 200, body: THANKS('Cy') }, 'This form was sent as multipart/form-data (what a form with a file upload sends).');
  });

  it('escapes the name in its thank-you page', async () => {
    const response = await post(createRoot(), { name: '<script>alert(1)</script>', message: 'hi' });
    expectResponse(response, { code: 200, body: THANKS('&lt;script&gt;alert(1)&lt;/script&gt;'), bodyExcludes: '<script>' },
      'The name was "<script>alert(1)</script>".');
  });

  it('escapes with escapeHTML: &, quotes and apostrophes too', async () => {
    const response = await post(createRoot(), { name: `Tom & "Jerry" O'Neil`, message: 'hi' });
    expectResponse(response, { code: 200, body: THANKS('Tom &amp; &quot;Jerry&quot; O&#x27;Neil') },
      `The name was "Tom & \"Jerry\" O'Neil". escapeHTML escapes & " ' as well as < and >; an escape of your own that skips them is not enough.`);
  });

  it('stores the name as it was sent, and escapes it only on the way into a page', async () => {
    const root = createRoot();
    await post(root, { name: '<b>Ann</b>', message: 'hi' });
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<li><b>&lt;b&gt;Ann&lt;/b&gt;</b>: hi</li>', bodyExcludes: '&amp;lt;' },
      'The name was "<b>Ann</b>". Add { name, message } as they came: the GET page escapes each entry itself, so a name stored escaped is escaped twice.');
  });

  it('takes the first value of a field sent twice', async () => {
    const root = createRoot();
    const response = await post(root, [['name', 'Ann'], ['name', 'Bo'], ['message', 'Hi']]);
    expectResponse(response, { code: 200, body: THANKS('Ann') },
      'The form sent name twice, Ann then Bo. request.args maps each name to the list of its values; step 1 takes the first.');
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<ul><li><b>Ann</b>: Hi</li></ul>' }, 'One entry, for Ann, should have been stored.');
  });

  it('answers 400 and stores nothing when the name is missing', async () => {
    const root = createRoot();
    expectResponse(await post(root, { message: 'Who am I?' }), { code: 400, body: PLEASE });
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<ul></ul>' }, 'Nothing should have been stored.');
  });

  it('answers 400 and stores nothing when the message is blank', async () => {
    const root = createRoot();
    expectResponse(await post(root, { name: 'Ann', message: '   ' }), { code: 400, body: PLEASE }, 'The message was three spaces.');
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<ul></ul>' }, 'Nothing should have been stored.');
  });

  it('answers 400 and stores nothing when the message is missing, or the name is blank', async () => {
    const root = createRoot();
    expectResponse(await post(root, { name: 'Ann' }), { code: 400, body: PLEASE }, 'The form had a name but no message field.');
    expectResponse(await post(root, { name: '  ', message: 'Hello' }), { code: 400, body: PLEASE }, 'The name was two spaces.');
    expectResponse(await request(root, { uri: '/guestbook' }), { bodyIncludes: '<ul></ul>' }, 'Nothing should have been stored.');
  });
});
