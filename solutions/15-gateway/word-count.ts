/**
 * Exercise 15, a reference solution: counts the lines and words of a POST body, read a
 * line at a time through `gateway.input`.
 */
import type { Application } from '../../lib/index.ts';

export const application: Application = (environ, startResponse) => {
  if (environ.REQUEST_METHOD !== 'POST') {
    startResponse('405 Method Not Allowed', [['Content-Type', 'text/plain; charset=utf-8'], ['Allow', 'POST']]);
    return ['Send the text as a POST.\n'];
  }
  let lines = 0;
  let words = 0;
  // readline() blocks until a whole line (or the end of the body) has arrived, and
  // returns an empty buffer only at the end.
  for (const line of environ['gateway.input']) {
    lines++;
    words += line.toString('utf8').split(/\s+/).filter((word) => word !== '').length;
  }
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [`lines=${lines} words=${words}\n`];
};
