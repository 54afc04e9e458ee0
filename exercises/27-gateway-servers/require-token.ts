/**
 * Exercise 27: a middleware.
 *
 * `requireToken(token)` returns a middleware: a function that takes an application and
 * returns a new application wrapping it. Write it so that the wrapped application:
 *   - when the request has no `Authorization: Bearer <token>` header with exactly this
 *     token (it arrives as `environ.HTTP_AUTHORIZATION`), answers by itself, without
 *     calling the inner application:
 *       `401 Unauthorized`, headers `Content-Type: text/plain; charset=utf-8` and
 *       `WWW-Authenticate: Bearer`, body `A valid token is required.\n`;
 *   - otherwise calls the inner application, passing its answer through unchanged
 *     except for one more header, `X-Authenticated: yes`, added to whatever headers the
 *     application sends (wrap `startResponse` on its way to the application, and hand
 *     on all three of its arguments: an application that catches an error calls it again
 *     with the error as `excInfo`).
 *
 * Check your work with `npm run grade 27`. Stuck? `npm run hint 27`.
 */
import type { Middleware } from '../../lib/index.ts';

export function requireToken(token: string): Middleware {
  return (app) => (environ, startResponse) => {
    // TODO: without the right Authorization header, answer 401 here and return.
    // TODO: otherwise call app with a startResponse that adds ['X-Authenticated', 'yes'].
    void token;
    return app(environ, startResponse);
  };
}
