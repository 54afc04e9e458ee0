/**
 * @module
 * Content negotiation for `Accept-Encoding`: which of the server's codings, if any, the
 * client wants most.
 *
 * RFC 9110 §12.5.3: the field is a list of codings, each with an optional weight
 * `q` from 0 to 1; names are case-insensitive; `*` stands for every coding not listed;
 * `q=0` means "not acceptable", so `gzip;q=0` refuses gzip even when `*` is welcome;
 * an empty field asks for no coding at all. `x-gzip` is gzip (§8.4.1.3).
 *
 * Twisted counterpart: the test in `twisted.web.server.GzipEncoderFactory.encoderForRequest`,
 * which looks for the bytes `gzip` anywhere in the header. Loom differs: `gzip;q=0`
 * (a refusal) and `x-gzip-please` no longer turn gzip on, because a substring is not a
 * parse. When weights tie, the server's order decides (its first encoder is its choice).
 * No `Accept-Encoding` at all sends the identity: the RFC allows any coding then, but
 * a client that says nothing is most often one that cannot decode.
 * Tests: `test/encoding/negotiation.test.ts`.
 */

/** One coding the client named, with its weight (0 to 1). */
export interface AcceptedCoding {
  readonly name: string;
  readonly q: number;
}

// #region encoding-negotiate
/**
 * The coding to use from `offered` (the server's, most preferred first) for a request
 * whose `Accept-Encoding` is `header`, or `null` to send the identity. Ties in weight go
 * to the server's order; a coding the client weighs below an explicit `identity` loses.
 */
export function chooseEncoding(header: string | undefined, offered: readonly string[]): string | null {
  return header === undefined ? null : chooseAccepted(parseAcceptEncoding(header), offered);
}

/** {@link chooseEncoding} for a header already parsed, for a caller that chooses more than once. */
export function chooseAccepted(accepted: readonly AcceptedCoding[], offered: readonly string[]): string | null {
  let best: string | null = null;
  let bestQ = 0;
  for (const name of offered) {
    const q = weightOf(accepted, name);
    if (q > bestQ) {
      best = name;
      bestQ = q;
    }
  }
  const identity = accepted.find((coding) => coding.name === 'identity');
  if (identity !== undefined && identity.q > bestQ) return null;
  return best;
}

/** The weight the client gives `name`: its own entry, else `*`'s, else 0. */
function weightOf(accepted: readonly AcceptedCoding[], name: string): number {
  let star = 0;
  for (const coding of accepted) {
    if (coding.name === name || (name === 'gzip' && coding.name === 'x-gzip')) return coding.q;
    if (coding.name === '*') star = coding.q;
  }
  return star;
}
// #endregion encoding-negotiate

/**
 * The codings of an `Accept-Encoding` value, names lower-cased. An entry whose weight
 * is not a valid qvalue (`q=2`, `q=high`) is dropped: guessing what it meant could
 * send a coding the client refused.
 */
export function parseAcceptEncoding(header: string): AcceptedCoding[] {
  const codings: AcceptedCoding[] = [];
  for (const element of header.split(',')) {
    const [rawName, ...params] = element.split(';');
    const name = rawName!.trim().toLowerCase();
    if (name === '') continue;
    const q = qOf(params);
    if (q !== null) codings.push({ name, q });
  }
  return codings;
}

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The `q` parameter among `params` (1 when absent), or null when it is malformed. */
function qOf(params: readonly string[]): number | null {
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
    const value = param.slice(eq + 1).trim();
    return QVALUE.test(value) ? Number(value) : null;
  }
  return 1;
}
