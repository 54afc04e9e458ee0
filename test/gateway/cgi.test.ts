import { describe, expect, it } from 'vitest';
import { cgiHead } from '../../lib/gateway/cgi.ts';
import { runScript } from './support.ts';

const REQUEST = {
  REQUEST_METHOD: 'POST', SCRIPT_NAME: '/cgi-bin/app', PATH_INFO: '/x y', QUERY_STRING: 'q=1', CONTENT_TYPE: 'text/plain',
  SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', HTTP_X_TEST: 't', GATEWAY_INTERFACE: 'CGI/1.1',
};

describe('cgiHead', () => {
  it('writes a Status line, the headers and a blank line', () => {
    expect(cgiHead(201, 'Created', [['Content-Type', 'text/plain'], ['X-A', '1']])).toBe('Status: 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\n');
  });
});

describe.concurrent('runCGI (each test a new CGI process)', () => {
  it('answers the request in its environment, reading the body from standard input no further than CONTENT_LENGTH', async () => {
    const out = await runScript({ ...REQUEST, CONTENT_LENGTH: '8' }, 'the body, and bytes past CONTENT_LENGTH');
    expect(out.exitCode).toBe(0);
    expect(out.lines).toEqual(['Status: 201 Created', 'Content-Type: text/plain; charset=utf-8', 'X-Multi: one', 'X-Multi: two']);
    expect(out.body.toString()).toBe('method=POST\npath=/cgi-bin/app|/x y\nquery=q=1\ntype=text/plain\nlength=8\nheader=t\nbody=the body\n');
  });

  it('sets the CGI flags, and passes only the request\'s variables, not the server\'s environment', async () => {
    const out = await runScript({ ...REQUEST, LOOM_TEST_APP: 'environ', SECRET_TOKEN: 'hunter2' });
    const env = JSON.parse(out.body.toString()) as Record<string, unknown>;
    expect([env['gateway.multithread'], env['gateway.multiprocess'], env['gateway.run_once']]).toEqual([false, true, true]);
    expect(env.SECRET_TOKEN).toBeUndefined();
    expect(env.PATH).toBeUndefined();
    expect(env.HTTP_X_TEST).toBe('t');
  });

  it('answers a failure before output with a 500 page, logs it on stderr and exits with 1', async () => {
    const out = await runScript({ ...REQUEST, LOOM_TEST_APP: 'failEarly' });
    expect(out.lines[0]).toBe('Status: 500 Internal Server Error');
    expect(out.body.toString()).toContain('Processing Failed');
    expect(out.stderr).toContain('application failure before output');
    expect(out.exitCode).toBe(1);
  });

  it('writes errors.write() text to stderr', async () => {
    const out = await runScript({ ...REQUEST, LOOM_TEST_APP: 'closing' });
    expect(out.stderr).toBe('closed\n');
  });
});
