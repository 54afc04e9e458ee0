/**
 * Graded tests for exercise 08. Each test posts a body (in memory) to /stats and checks
 * the status, the content type and the JSON that came back.
 */
import { describe, it, vi } from 'vitest';
import { Content, type IResource } from '../../lib/index.ts';
import { request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript } from '../../tools/grading/wire.ts';

const { createRoot } = await subject<typeof import('./stats.ts')>(import.meta.url, 'stats.ts');

/** POST `body` to /stats with a JSON content type. */
function post(root: IResource, body: string) {
  return request(root, { method: 'POST', uri: '/stats', headers: { 'content-type': 'application/json' }, body });
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('Stats.render_POST', () => {
  const good: [body: string, answer: string][] = [
    ['{"numbers": [2, 4, 9]}', '{"count":3,"sum":15,"mean":5}'],
    ['{"numbers": [1.5, -0.5]}', '{"count":2,"sum":1,"mean":0.5}'],
    ['{"numbers": [42], "note": "other fields are ignored"}', '{"count":1,"sum":42,"mean":42}'],
    ['{"numbers": []}', '{"count":0,"sum":0,"mean":null}'],
  ];
  for (const [body, answer] of good) {
    it(`answers ${body} with ${answer}`, async () => {
      expectResponse(await post(createRoot(), body), { code: 200, headers: JSON_TYPE, body: answer });
    });
  }

  const notJSON: [body: string, why: string][] = [
    ['{"numbers": [1, 2', 'The body stops in the middle of the JSON.'],
    ['numbers=1&numbers=2', 'The body is a form, not JSON.'],
    ['', 'The body is empty, and nothing is not valid JSON.'],
  ];
  for (const [body, why] of notJSON) {
    it(`answers 400 with a JSON error for the body ${JSON.stringify(body)}, which is not JSON`, async () => {
      expectJSONError(await post(createRoot(), body), `${why} Catch the error request.content.json() throws, and answer with JSON yourself.`);
    });
  }

  const wrongShape: [body: string, why: string][] = [
    ['[1, 2, 3]', 'A list on its own, not an object with "numbers".'],
    ['{"numbers": [1, "two"]}', '"two" is a string, not a number.'],
    ['{"values": [1, 2]}', 'The list is called "values", not "numbers".'],
    ['null', 'JSON, but null.'],
  ];
  for (const [body, why] of wrongShape) {
    it(`answers 400 with a JSON error for ${body}, which is JSON of the wrong shape`, async () => {
      expectJSONError(await post(createRoot(), body), why);
    });
  }

  it('reads the body with request.content.json(), as step 1 says', async () => {
    const json = vi.spyOn(Content.prototype, 'json');
    try {
      const response = await post(createRoot(), '{"numbers": [2, 4, 9]}');
      if (json.mock.calls.length === 0) {
        throw new GradingError(transcript(response, ['expected render_POST to parse the body with request.content.json(), but it never called it'],
          'json() parses the body and throws a LoomError with status 400 when it is not JSON: use it rather than parsing the text yourself.'));
      }
    } finally {
      json.mockRestore();
    }
  });
});

/** Fail unless `response` is a 400 whose body is a JSON object with an `error` text in it. */
function expectJSONError(response: TestResponse, why: string): void {
  expectResponse(response, { code: 400, headers: JSON_TYPE }, why);
  let error: unknown;
  try {
    error = (JSON.parse(response.text) as { error?: unknown } | null)?.error;
  } catch (cause) {
    throw new GradingError(transcript(response, [`expected the body to be valid JSON, but JSON.parse says: ${(cause as Error).message}`],
      `${why} Build the body with JSON.stringify({ error: '…' }) rather than by hand.`));
  }
  if (typeof error !== 'string' || error === '') {
    throw new GradingError(transcript(response, [`expected a JSON object whose "error" is a text saying what was wrong, got ${JSON.stringify(error) ?? 'no "error" field'}`], why));
  }
}
