/**
 * Grades exercise 26. The tests make a folder with a text file, two shell programs in
 * cgi-bin/, two Perl pages and an as-is file, then send requests (in memory) to the
 * resource your `createRoot(dir)` returns. The programs really run.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { createRoot, SITE_NAME } = await subject<typeof import('./cgi-site.ts')>(import.meta.url, 'cgi-site.ts');

const HELLO_CGI = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho "Hello from hello.cgi"\n';
const SITE_CGI = '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho "site=$SITE_NAME secret=$EXERCISE_SECRET"\n';
const GUEST_PL = `my ($name) = ($ENV{QUERY_STRING} =~ /name=([^&]*)/);
print "Content-Type: text/plain\\n\\n";
print "Hello, ", ($name // 'stranger'), "! (perl $])\\n";
`;
const MOVED_ASIS = 'HTTP/1.1 301 Moved Permanently\nLocation: /notes.txt\nContent-Type: text/plain\n\nGone to /notes.txt\n';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loom-exercise-26-'));
  mkdirSync(join(dir, 'cgi-bin'));
  writeFileSync(join(dir, 'notes.txt'), 'plain notes\n');
  writeFileSync(join(dir, 'cgi-bin', 'hello.cgi'), HELLO_CGI);
  writeFileSync(join(dir, 'cgi-bin', 'site.cgi'), SITE_CGI);
  chmodSync(join(dir, 'cgi-bin', 'hello.cgi'), 0o755);
  chmodSync(join(dir, 'cgi-bin', 'site.cgi'), 0o755);
  writeFileSync(join(dir, 'guest.pl'), GUEST_PL);
  // A second .pl page, in a folder of its own, so that one child put by hand for guest.pl
  // does not pass for the processor that runs every .pl file.
  mkdirSync(join(dir, 'club'));
  writeFileSync(join(dir, 'club', 'join.pl'), GUEST_PL);
  writeFileSync(join(dir, 'moved.asis'), MOVED_ASIS);
  process.env.EXERCISE_SECRET = 'server-only';
  delete process.env.SITE_NAME;
});

afterAll(() => {
  delete process.env.EXERCISE_SECRET;
  delete process.env.SITE_NAME;
  rmSync(dir, { recursive: true, force: true });
});

const get = (uri: string) => request(createRoot(dir), { uri });

describe('createRoot', () => {
  it('serves ordinary files as they are', async () => {
    expectResponse(await get('/notes.txt'), { code: 200, body: 'plain notes\n' });
  });

  it('runs the programs in /cgi-bin/ instead of sending their source', async () => {
    expectResponse(await get('/cgi-bin/hello.cgi'), { code: 200, body: 'Hello from hello.cgi\n', bodyExcludes: '#!/bin/sh' },
      'A File sends a .cgi file\'s bytes; a CGIDirectory put at "cgi-bin" runs them instead.');
  });

  it('answers 404 for /cgi-bin/ itself: a CGI folder has no listing', async () => {
    expectResponse(await get('/cgi-bin/'), { code: 404 }, 'A File would list the folder; a CGIDirectory does not.');
  });

  it(`gives the programs in /cgi-bin/ SITE_NAME ("${SITE_NAME}"), and not the server's own variables`, async () => {
    expectResponse(await get('/cgi-bin/site.cgi'), { code: 200, body: `site=${SITE_NAME} secret=\n` },
      'Programs get only the CGI variables, PATH, and what the options add: CGIOptions has an `env`.');
    if (process.env.SITE_NAME !== undefined) {
      throw new GradingError(`✗ process.env.SITE_NAME is ${JSON.stringify(process.env.SITE_NAME)}: your code changed the server's own environment.\n` +
        'Leave the server\'s variables as they are; give SITE_NAME to the programs of /cgi-bin/ alone, through CGIOptions\' `env`.');
    }
  });

  it('runs every .pl file with Perl', async () => {
    expectResponse(await get('/guest.pl?name=Ada'), { code: 200, bodyIncludes: 'Hello, Ada! (perl ' },
      'guest.pl is not executable: a FilteredScript whose filter is "perl" runs it, installed as the processor for ".pl".');
    expectResponse(await get('/club/join.pl?name=Bo'), { code: 200, bodyIncludes: 'Hello, Bo! (perl ' },
      'Every .pl file, in any folder, runs with Perl, not only guest.pl: that is what a processor for ".pl" on the root File does.');
  });

  it('answers with the response an .asis file holds', async () => {
    expectResponse(await get('/moved.asis'), { code: 301, body: 'Gone to /notes.txt\n', headers: { location: '/notes.txt' } },
      'ASISProcessor reads the status line and headers from the file itself.');
  });
});
