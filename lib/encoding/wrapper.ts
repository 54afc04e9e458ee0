/**
 * @module
 * `EncodingResourceWrapper`: a resource (and every resource under it) whose responses
 * are compressed for clients that accept it.
 *
 * Wrap a resource and list its encoders, most preferred first:
 * `new EncodingResourceWrapper(root, [new BrotliEncoderFactory(), new GzipEncoderFactory()])`.
 * When it renders, it negotiates a coding from `Accept-Encoding` (lib/encoding/negotiation.ts)
 * and puts an `EncodingChannel` (lib/encoding/channel.ts) between the request and its
 * connection; the resource writes as it always does and never knows.
 *
 * Twisted counterpart: `twisted.web.resource.EncodingResourceWrapper`. Loom differs: the
 * children traversal finds under the wrapper are wrapped too, so wrapping a tree's root
 * compresses the whole tree (Twisted's wrapper hands back its resource's children bare,
 * so wrapping a site's root compresses the root page and nothing under it).
 * Tests: `test/encoding/wrapper.test.ts`; lesson 21 teaches it.
 */

import type { IResource, RenderResult } from '../iweb.ts';
import { kEncodeWith } from '../plumbing/symbols.ts';
import type { Request } from '../request.ts';
import { LoomError } from '../errors.ts';
import { EncodingChannel, type EncodingChoice } from './channel.ts';
import type { RequestEncoderFactory } from './encoders.ts';
import { chooseEncoding } from './negotiation.ts';

/** Bodies known to be shorter than this are not worth compressing: the coding's own overhead eats the gain. */
export const DEFAULT_MIN_LENGTH = 1024;

/** Options for an {@link EncodingResourceWrapper}. */
export interface EncodingOptions {
  /** A body known to be shorter than this many bytes is sent as it is. @default 1024 */
  minLength?: number;
}

/** A resource tree whose responses are compressed for the clients that accept it. */
export class EncodingResourceWrapper implements IResource {
  /** The encoders, most preferred first. */
  readonly encoders: readonly RequestEncoderFactory[];
  readonly minLength: number;
  readonly #resource: IResource;
  readonly #offered: readonly string[];
  readonly #options: EncodingOptions;

  constructor(resource: IResource, encoders: readonly RequestEncoderFactory[], options: EncodingOptions = {}) {
    if (encoders.length === 0) throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'EncodingResourceWrapper needs at least one encoder, such as new GzipEncoderFactory().');
    const minLength = options.minLength ?? DEFAULT_MIN_LENGTH;
    if (!(minLength >= 0)) throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `minLength must be 0 or more bytes, got ${String(minLength)}.`);
    this.#resource = resource;
    this.encoders = encoders;
    this.minLength = minLength;
    this.#offered = encoders.map((encoder) => encoder.encoding);
    this.#options = options;
  }

  /** The resource it wraps. */
  get resource(): IResource {
    return this.#resource;
  }

  get isLeaf(): boolean {
    return this.#resource.isLeaf;
  }

  // #region encoding-wrap-children
  getChildWithDefault(name: string, request: Request): IResource {
    const child = this.#resource.getChildWithDefault(name, request);
    if (child instanceof EncodingResourceWrapper) return child;
    // A new wrapper at every step, none kept: most children (every File) are made anew
    // for each request, and a WeakMap keyed by such short-lived objects made each of V8's
    // young-generation collections several times slower (docs/guide/performance.md).
    return new EncodingResourceWrapper(child, this.encoders, this.#options);
  }
  // #endregion encoding-wrap-children

  putChild(name: string, child: IResource): void {
    this.#resource.putChild(name, child);
  }

  // #region encoding-render
  render(request: Request): RenderResult {
    // A request keeps the first encoder it is given: a wrapper rendered inside another adds none.
    if (!request.startedWriting) request[kEncodeWith]((out) => new EncodingChannel(out, this.#choiceFor(request)));
    return this.#resource.render(request);
  }

  #choiceFor(request: Request): EncodingChoice {
    const coding = chooseEncoding(request.requestHeaders.getRawHeaders('accept-encoding')?.join(','), this.#offered);
    const encoder = coding === null ? null : this.encoders[this.#offered.indexOf(coding)]!;
    return { encoder, isHead: request.method === 'HEAD', isRanged: request.getHeader('range') !== undefined, minLength: this.minLength };
  }
  // #endregion encoding-render
}
