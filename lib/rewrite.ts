/**
 * @module
 * URL rewriting: changing the path of a request before the resource tree sees it, so
 * that one URL is served by the resource that lives at another.
 *
 * `RewriterResource` wraps a resource and runs its rules on every request that passes
 * through it. A rule is a plain function that takes the request and changes
 * `request.postpath` (the segments still to walk) in place or by assigning a new array;
 * the walk then carries on in the wrapped resource along the rewritten path. Two rules
 * come with it: `tildeToUsers` turns `/~alice/…` into `/users/alice/…`, and
 * `alias(aliasPath, sourcePath)` serves whatever is at `sourcePath` under `aliasPath`
 * too. The client never sees the new path: this is a rewrite, not a redirect.
 *
 * Twisted counterpart: `twisted.web.rewrite` (`RewriterResource`, `tildeToUsers`,
 * `alias`). Loom differs:
 * - `tildeToUsers` and `alias` do what their code means to do. Twisted's compare the
 *   str `"~"` and str segments with the bytes segments of Python 3, so in Twisted 22
 *   they never match and change nothing;
 * - a wrapped leaf gets the whole rewritten rest of the path in `postpath`, because a
 *   leaf answers for everything below it (Twisted asks the leaf for a child, and a
 *   plain leaf answers 404 for every path below it);
 * - a rule that empties `postpath`, or that assigns a new array to it, is followed
 *   (Twisted's `getChild` fails with IndexError on an empty postpath);
 * - rules that run when the path ends at the rewriter itself may lengthen `postpath`,
 *   and the walk then carries on from the wrapped resource (Twisted renders it as is);
 * - `alias` accepts a leading `/` and an empty `sourcePath` (the root), and refuses an
 *   empty `aliasPath` with `LOOM_ERR_INVALID_ARGUMENT` (Twisted's `alias("/x", …)`
 *   can never match, and `alias("", …)` matches only `/`);
 * - a rule that throws or returns a Promise is answered 500 with `LOOM_ERR_REWRITE_RULE`,
 *   naming the rule, because a Promise's change would come after the walk.
 * `request.uri` keeps what the client sent, as in Twisted, so the access log shows the
 * URL that was asked for; `request.path` is rebuilt from the rewritten segments.
 * Tests: `test/rewrite.test.ts`. Lesson 29 (rewriting-urls).
 */

import { LoomError } from './errors.ts';
import { quoteSegment } from './plumbing/url.ts';
import type { Request } from './request.ts';
import { Resource, getChildForRequest, type IResource, type RenderResult } from './resource.ts';

/**
 * A rewrite rule: a function that may change `request.postpath` (and anything else on
 * the request) before the walk goes on. It returns nothing, and must not be `async`:
 * rules run during traversal, which does not wait. A rule that does not apply leaves
 * the request alone. After changing the path, a rule should call
 * {@link setPathFromSegments} so that `request.path` agrees with the segments.
 */
export type RewriteRule = (request: Request) => void;

/**
 * A resource that rewrites the path below it, then lets `resource` answer as if the
 * request had asked for the rewritten path. Put it where the rewriting should start:
 * at the Site's root for rules about the whole URL, or as a child for rules about the
 * part below that child. The rules run once per request, in the order given.
 *
 * @example
 * const root = new Resource();
 * root.putChild('users', users);
 * root.putChild('manual', manual);
 * const site = new Site(new RewriterResource(root, tildeToUsers, alias('docs', 'manual')));
 * // GET /~alice/cv.html is served by users' child "alice", then "cv.html";
 * // GET /docs/intro.html by manual's child "intro.html".
 */
export class RewriterResource extends Resource {
  /** The resource that answers for the rewritten path. */
  readonly resource: IResource;
  /** The rules, run in this order; rules may be added or removed between requests. */
  readonly rewriteRules: RewriteRule[];

  /** @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` when `resource` is not a resource or a rule is not a function. */
  constructor(resource: IResource, ...rewriteRules: RewriteRule[]) {
    super();
    if (resource === null || typeof resource !== 'object' || typeof resource.getChildWithDefault !== 'function') {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `RewriterResource(resource, ...rules) needs the resource to wrap first, got ${String(resource)}.`);
    }
    const bad = rewriteRules.findIndex((rule) => typeof rule !== 'function');
    if (bad >= 0) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `RewriterResource: rule ${bad + 1} is ${String(rewriteRules[bad])}, not a function (request) => void. Pass tildeToUsers itself, or alias(from, to)'s result.`);
    }
    this.resource = resource;
    this.rewriteRules = rewriteRules;
  }

  // #region rewrite-get-child
  /**
   * Called with the first segment below the rewriter, which traversal has just moved to
   * `prepath`. The rules must see the path as it is below the rewriter, so the segment
   * goes back on `postpath` first; then the walk carries on in `resource` along the
   * rewritten path.
   */
  override getChild(name: string, request: Request): IResource {
    request.postpath.unshift(request.prepath.pop()!);
    this.rewrite(request);
    // A leaf answers for everything below it, so it must find the whole rest in postpath.
    if (this.resource.isLeaf) return this.resource;
    const next = request.postpath.shift();
    // The rules took every segment away: the wrapped resource itself answers.
    if (next === undefined) return this.resource;
    request.prepath.push(next);
    return this.resource.getChildWithDefault(next, request);
  }
  // #endregion rewrite-get-child

  // #region rewrite-render
  /**
   * Called when the path ends at the rewriter itself (mounted at `/old`, asked for
   * `/old`). The rules still run; if they leave segments to walk, the walk carries on
   * from `resource`, otherwise `resource` renders.
   */
  override render(request: Request): RenderResult {
    this.rewrite(request);
    const target = request.postpath.length > 0 ? getChildForRequest(this.resource, request) : this.resource;
    return target.render(request);
  }
  // #endregion rewrite-render

  // #region rewrite-run-rules
  /**
   * Run every rule, in order. Traversal (`getChildForRequest`) holds on to the
   * `postpath` array it started with, so a rule that assigns a new array has its
   * segments copied back into the old one, where the walk will look for them.
   */
  rewrite(request: Request): void {
    const walked = request.postpath;
    for (const rule of this.rewriteRules) runRule(rule, request);
    if (request.postpath !== walked) {
      const given: unknown = request.postpath;
      if (!Array.isArray(given) || !given.every((s) => typeof s === 'string')) {
        throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `A rewrite rule set request.postpath to ${JSON.stringify(given)}; it must be an array of decoded path segments (strings).`);
      }
      walked.splice(0, walked.length, ...(given as string[]));
      request.postpath = walked;
    }
  }
  // #endregion rewrite-run-rules
}

// #region rewrite-tilde-to-users
/**
 * The rule for Unix-style home pages: `/~alice/cv.html` is walked as
 * `/users/alice/cv.html`, so one `users` resource (a `UserDirectory`, lesson 30, or any
 * resource with a child per user) serves everyone's pages. A bare `~` is no user name
 * and is left alone.
 */
export function tildeToUsers(request: Request): void {
  const first = request.postpath[0];
  if (first === undefined || first.length < 2 || !first.startsWith('~')) return;
  request.postpath.splice(0, 1, 'users', first.slice(1));
  setPathFromSegments(request);
}
// #endregion rewrite-tilde-to-users

// #region rewrite-alias
/**
 * A rule that serves what lives at `sourcePath` under `aliasPath` too: with
 * `alias('docs', 'manual/v2')`, `/docs/intro.html` is walked as
 * `/manual/v2/intro.html`. Paths are compared segment by segment, so `docs` matches
 * `/docs` and `/docs/…` but not `/docsearch`. Segments are decoded text, as in
 * `postpath`: `alias('café', …)` matches `/caf%C3%A9`.
 *
 * A leading `/` is ignored. A trailing `/` adds an empty segment, so `alias('docs/', …)`
 * matches `/docs/` and `/docs/x` but not `/docs`. An empty `sourcePath` aliases to the
 * root: `alias('old', '')` walks `/old/page` as `/page`.
 *
 * As Twisted's docstring warns, the aliased resource sees the rewritten `prepath`, so
 * absolute links it builds from `prepath` (`prePathURL()`, a directory listing's links
 * made from it) name `sourcePath`, not `aliasPath`. Relative links are unaffected.
 *
 * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` when a path is not a string, or
 * `aliasPath` is empty (it would match every request).
 */
export function alias(aliasPath: string, sourcePath: string): RewriteRule {
  const from = segmentsOf(aliasPath, 'aliasPath');
  const to = segmentsOf(sourcePath, 'sourcePath');
  if (from.length === 0) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `alias(${JSON.stringify(aliasPath)}, ${JSON.stringify(sourcePath)}): the alias path is empty, so it would match every request. Name the path to alias, such as alias('docs', 'manual').`);
  }
  return function aliasRule(request: Request): void {
    if (!startsWith(request.postpath, from)) return;
    request.postpath.splice(0, from.length, ...to);
    setPathFromSegments(request);
  };
}
// #endregion rewrite-alias

// #region rewrite-set-path
/**
 * Make `request.path` agree with rewritten segments: `/` and `prepath` then `postpath`,
 * each percent-quoted again. `request.uri` is left as the client sent it.
 */
export function setPathFromSegments(request: Request): void {
  request.path = `/${[...request.prepath, ...request.postpath].map(quoteSegment).join('/')}`;
}
// #endregion rewrite-set-path

/**
 * Call one rule. A rule that throws, or that returns a Promise, is answered with a 500
 * (`LOOM_ERR_REWRITE_RULE`) that names the rule and the request; the rule's own error is
 * the `cause`, logged by the Site. A Promise is refused because traversal does not wait:
 * its change would come too late, and its rejection would be one nobody handles, which
 * ends a Node process.
 */
function runRule(rule: RewriteRule, request: Request): void {
  let result: unknown;
  try {
    result = rule(request);
  } catch (error) {
    throw new LoomError('LOOM_ERR_REWRITE_RULE', `The rewrite rule ${nameOf(rule)} threw for ${request.method} ${request.uri}.`, { status: 500, cause: error });
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    // Handled here, so that its rejection, if it comes, cannot end the process.
    void Promise.resolve(result).catch(() => undefined);
    throw new LoomError('LOOM_ERR_REWRITE_RULE', `The rewrite rule ${nameOf(rule)} returned a Promise for ${request.method} ${request.uri}. Rules run during traversal, which does not wait: change request.postpath before returning, without await.`, { status: 500 });
  }
}

/** A rule's function name, for messages: `aliasRule`, `tildeToUsers`, or `(anonymous)`. */
function nameOf(rule: RewriteRule): string {
  return rule.name === '' ? '(anonymous)' : rule.name;
}

/** `'/manual/v2'` → `['manual', 'v2']`; `''` and `'/'` → `[]`; `'docs/'` → `['docs', '']`. */
function segmentsOf(path: string, what: string): string[] {
  if (typeof path !== 'string') {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `alias(aliasPath, sourcePath): ${what} must be a path such as 'docs' or 'manual/v2', got ${String(path)}.`);
  }
  const relative = path.startsWith('/') ? path.slice(1) : path;
  return relative === '' ? [] : relative.split('/');
}

/** Whether `segments` begins with every segment of `prefix`, in order. */
function startsWith(segments: readonly string[], prefix: readonly string[]): boolean {
  if (segments.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}
