/**
 * Graded tests for exercise 21. Each test sends an in-memory request with an
 * `Accept-Encoding` header and decodes what comes back, as a browser would.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, it } from 'vitest';
import { memoryLogger, request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { createSite, encoders, reportPage } = await subject<typeof import('./reports.ts')>(import.meta.url, 'reports.ts');

const TOKEN = 's3cr3t-t0k3n';
const site = () => createSite(TOKEN, { logger: memoryLogger() });

/** Fail unless the body, decoded as Content-Encoding says, is `expected`. */
function expectDecoded(response: TestResponse, coding: string | undefined, expected: string, note: string): void {
  expectResponse(response, { code: 200, headers: { 'content-encoding': coding } }, note);
  const body = coding === 'br' ? brotliDecompressSync(response.body) : coding === 'gzip' ? gunzipSync(response.body) : response.body;
  if (body.toString() !== expected) throw new GradingError(`${note}\n✗ The body, decoded, is not the page that was asked for.`);
}

describe('encoders', () => {
  it('offers Brotli first, then gzip', () => {
    const names = encoders().map((e) => e.encoding);
    if (names.join() !== 'br,gzip') throw new GradingError(`✗ encoders() gives [${names.join(', ')}]; expected [br, gzip]: a BrotliEncoderFactory, then a GzipEncoderFactory.`);
  });
});

describe('createSite', () => {
  it('sends a report in Brotli to a client that takes br and gzip', async () => {
    const response = await request(site(), { uri: '/reports/sales', headers: { 'accept-encoding': 'gzip, br' } });
    expectDecoded(response, 'br', reportPage('sales'), 'GET /reports/sales with Accept-Encoding: gzip, br');
  });

  it('sends a report in gzip to a client that takes only gzip, with Vary: Accept-Encoding', async () => {
    const response = await request(site(), { uri: '/reports/q3', headers: { 'accept-encoding': 'gzip' } });
    expectDecoded(response, 'gzip', reportPage('q3'), 'GET /reports/q3 with Accept-Encoding: gzip');
    expectResponse(response, { headers: { vary: 'Accept-Encoding' } }, 'GET /reports/q3 with Accept-Encoding: gzip');
  });

  it('never compresses /account, which holds a secret beside the search it echoes (BREACH)', async () => {
    const response = await request(site(), { uri: '/account?q=token%3Ds', headers: { 'accept-encoding': 'br, gzip' } });
    expectResponse(response, { code: 200, headers: { 'content-encoding': undefined, vary: undefined }, bodyIncludes: `token=${TOKEN}` },
      'GET /account?q=token%3Ds with Accept-Encoding: br, gzip');
  });
});
