/**
 * @module
 * The header block that CGI programs and as-is files start with: `Name: value` lines up
 * to the first blank line, with a `Status:` line for the code. These functions find
 * where the block ends and read its lines; applying them to a response is
 * lib/cgi-process.ts's `applyHeaderBlock`.
 *
 * Twisted counterpart: the header parsing in `twcgi.CGIProcessProtocol.outReceived`.
 * Loom differs: a line needs only a colon (`Name:value`, RFC 3875 §6.3), a name or value
 * with characters a header cannot carry is refused, and a 1xx status is not a final one.
 * Tests: `test/plumbing/header-block.test.ts`.
 */

/**
 * Where the header block ends: the earliest blank line, whichever line ending the
 * program used (`\n\n`, `\r\n\r\n`, `\r\r`, or a mixed `\n\r\n`), as Twisted finds it.
 */
export function findHeaderEnd(bytes: Uint8Array): { at: number; length: number } | null {
  const LF = 10, CR = 13;
  for (let i = 0; i + 1 < bytes.length; i++) {
    const a = bytes[i], b = bytes[i + 1];
    if (a === LF && b === LF) return { at: i, length: 2 };
    if (a === LF && b === CR && bytes[i + 2] === LF) return { at: i, length: 3 };
    if (a === CR && b === CR) return { at: i, length: 2 };
    if (a === CR && b === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return { at: i, length: 4 };
  }
  return null;
}

/** `Name: value` → its parts; null for a line that is not a header (no colon, a bad name or value). */
export function parseHeaderLine(line: string): { name: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  const value = line.slice(colon + 1).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[^\t\x20-\x7e\x80-\xff]/.test(value)) return null;
  return { name, value };
}

/**
 * `404 Not Found` → code 404 and its phrase; null when there is no valid three-digit
 * code. A 1xx is refused too: it is never a final answer, and a client would wait for one.
 */
export function parseStatus(value: string): { code: number; message: string | undefined } | null {
  const match = /^([2-9]\d\d)(?:\s+(.*))?$/.exec(value);
  if (match === null) return null;
  const message = match[2]?.trim();
  return { code: Number(match[1]), message: message === '' ? undefined : message };
}
