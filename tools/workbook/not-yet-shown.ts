/**
 * Regions in `lib/` that no lesson or guide shows yet. The weave check
 * (tools/workbook/weave.ts, `weaveProblems`) fails on any other unshown region, so a
 * region left behind by a rename or a rewritten lesson is caught; one listed here is
 * waiting for a lesson or guide to show it. An entry that a page shows, or whose region
 * is gone, fails the check too, so the list holds only what is still waiting.
 */
export const NOT_YET_SHOWN: ReadonlySet<string> = new Set([
  'lib/app/add-headers.ts#add-headers-resource',
  'lib/app/program.ts#program-options',
  'lib/app/web.ts#web-start',
  'lib/cred.ts#cred-checkers',
  'lib/cred.ts#cred-hash-password',
  'lib/cred.ts#cred-verify-digest',
  'lib/guard/digest.ts#guard-digest',
  'lib/http-server.ts#http-server-client-error',
  'lib/http-server.ts#http-server-create',
  'lib/http-server.ts#http-server-host',
  'lib/pages.ts#pages-render',
  'lib/plumbing/args.ts#args-multipart',
  'lib/plumbing/channel.ts#channel-connect',
  'lib/plumbing/endpoints.ts#endpoints-listen',
  'lib/plumbing/http.ts#http-dates',
  'lib/plumbing/http.ts#http-header-names',
  'lib/plumbing/servers.ts#servers-close',
  'lib/plumbing/unix-socket.ts#unix-socket-claim',
  'lib/proxy/tunnel.ts#tunnel-open',
  'lib/render.ts#render-unsupported',
  'lib/request.ts#request-conditional',
  'lib/request.ts#request-prepath-url',
  'lib/session/redis.ts#session-redis-store',
  'lib/session/session.ts#session-eviction-report',
  'lib/site.ts#site-connect',
  'lib/site.ts#site-get-resource-for',
  'lib/site.ts#site-listen',
  'lib/testing.ts#testing-fake-clock',
  'lib/timeouts.ts#timeouts-body-watch',
  'lib/timeouts.ts#timeouts-response-deadlines',
  'lib/trace.ts#trace-format',
  'lib/util.ts#util-deferred-resource',
  'lib/util.ts#util-redirect-to',
]);
