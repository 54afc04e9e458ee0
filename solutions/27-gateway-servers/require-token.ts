/**
 * Exercise 27, a reference solution: a middleware that answers 401 by itself without
 * the right bearer token, and marks the inner application's answers otherwise.
 */
import type { Middleware, StartResponse } from '../../lib/index.ts';

export function requireToken(token: string): Middleware {
  const expected = `Bearer ${token}`;
  return (app) => (environ, startResponse) => {
    if (environ.HTTP_AUTHORIZATION !== expected) {
      startResponse('401 Unauthorized', [['Content-Type', 'text/plain; charset=utf-8'], ['WWW-Authenticate', 'Bearer']]);
      return ['A valid token is required.\n'];
    }
    // Wrapped, so every call the application makes (even a second one with excInfo) gets the header.
    const marked: StartResponse = (status, headers, excInfo) => startResponse(status, [...headers, ['X-Authenticated', 'yes']], excInfo);
    return app(environ, marked);
  };
}
