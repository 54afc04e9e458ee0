import { describe, expect, it } from 'vitest';
import { applyHeaderBlock } from '../lib/cgi-process.ts';
import { makeRequest } from '../lib/testing.ts';

function applied(block: string, statusGiven = false): { request: ReturnType<typeof makeRequest>; warnings: string[] } {
  const request = makeRequest({});
  const warnings: string[] = [];
  applyHeaderBlock(request, block, (message) => warnings.push(message), statusGiven);
  return { request, warnings };
}

describe('applyHeaderBlock', () => {
  it('sets the status and phrase from Status, and adds the other headers, repeats kept', () => {
    const { request } = applied('Status: 201 Made\r\nX-A: 1\r\nx-a: 2\r\nContent-Type: text/plain');
    expect([request.code, request.codeMessage]).toEqual([201, 'Made']);
    expect(request.responseHeaders.getRawHeaders('x-a')).toEqual(['1', '2']);
    expect(request.responseHeaders.getRawHeaders('content-type')).toEqual(['text/plain']);
    expect(request.defaultContentType).toBeNull();
  });

  it('lets Location imply 302, but an explicit Status win whichever comes first (RFC 3875 §6.3)', () => {
    expect(applied('Location: /elsewhere').request.code).toBe(302);
    expect(applied('Location: /x\nStatus: 303 See Other').request.code).toBe(303);
    expect(applied('Status: 200 OK\nLocation: /x').request.code).toBe(200);
    expect(applied('Location: /x', true).request.code).toBe(200); // an as-is status line came first
  });

  it('drops the headers Loom writes or frames itself', () => {
    const { request } = applied('Server: evil\nDate: then\nContent-Length: 9\nTransfer-Encoding: chunked\nConnection: close\nX-Kept: yes');
    expect([...request.responseHeaders.getAllRawHeaders()].map(([name]) => name.toLowerCase())).toEqual(['x-kept']);
  });

  it('warns about and skips a malformed line or an invalid Status', () => {
    const { request, warnings } = applied('no colon here\nStatus: abc\nX-Ok: 1');
    expect(request.code).toBe(200);
    expect(request.responseHeaders.getRawHeaders('x-ok')).toEqual(['1']);
    expect(warnings).toEqual(['ignoring a malformed header line: "no colon here"', 'ignoring an invalid Status header: "abc"']);
  });
});
