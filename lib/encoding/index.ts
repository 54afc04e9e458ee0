/**
 * @module
 * Request encoders: compressing responses for the clients that accept it. The wrapper
 * is in `wrapper.ts`, the negotiation in `negotiation.ts`, gzip and Brotli in
 * `encoders.ts`, and the channel that does the compressing in `channel.ts`.
 *
 * Twisted counterpart: `twisted.web.resource.EncodingResourceWrapper` and
 * `twisted.web.server.GzipEncoderFactory` (howto: "Request encoders"). Lesson 21.
 */

export { EncodingResourceWrapper, DEFAULT_MIN_LENGTH, type EncodingOptions } from './wrapper.ts';
export { BrotliEncoderFactory, GzipEncoderFactory, DEFAULT_BROTLI_QUALITY, DEFAULT_GZIP_LEVEL, type RequestEncoderFactory } from './encoders.ts';
export { chooseEncoding, parseAcceptEncoding, type AcceptedCoding } from './negotiation.ts';
