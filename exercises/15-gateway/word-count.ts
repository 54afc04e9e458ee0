/**
 * Exercise 15: a gateway application that reads its request body.
 *
 * Write `application` so that:
 *   - a POST is answered `200 OK`, `Content-Type: text/plain; charset=utf-8`, with the
 *     number of lines and words in the body, as `lines=2 words=5\n`;
 *       - a line is what ends with "\n", plus a last line without one if the body does
 *         not end with "\n" (so "a\nb" has 2 lines, "a\n" 1, and "" 0);
 *       - words are separated by any amount of whitespace (spaces, tabs);
 *   - the body is read through `environ['gateway.input']`, a line at a time, with
 *     `readline()` or a `for … of` loop over it (bodies can be large: do not take it all
 *     in one read; and `read(size)` counts bytes, not lines);
 *   - any other method is answered `405 Method Not Allowed` with an `Allow: POST` header
 *     and the body `Send the text as a POST.\n`.
 *
 * The graded tests run this file on worker threads through a GatewayResource, as
 * lesson 15 does. Check your work with `npm run grade 15`. Stuck? `npm run hint 15`.
 */
import type { Application } from '../../lib/index.ts';

export const application: Application = (environ, startResponse) => {
  // TODO: answer any method but POST with 405, an Allow: POST header and the text above.
  // TODO: read environ['gateway.input'] line by line, counting lines and words.
  void environ;
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['lines=0 words=0\n'];
};
