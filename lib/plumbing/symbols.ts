/**
 * @module
 * The internal doors: symbols that let one lib/ module reach into an object another
 * module made, without making that door a public method.
 *
 * A method named by one of these symbols cannot be called by a resource, because
 * `lib/index.ts` does not export this module and the package exports nothing else of
 * lib/ (see `package.json` `exports`). This is undici's `core/symbols.js` pattern; a
 * class keeps state that only it touches in `#private` fields instead. Each symbol says
 * who owns the door and who may use it. Add a door here rather than a public method marked as internal
 * in its doc: `test/architecture.test.ts` fails on such a tag, and checks no door is public.
 *
 * Twisted has no counterpart: Python's convention is a leading underscore, which hides
 * nothing. Tests: `test/architecture.test.ts`.
 */

/** `Request` (lib/request.ts): the renderer's one-call answer, headers and whole body. Used by lib/render.ts. */
export const kFinishWithBody: unique symbol = Symbol('loom.request.finishWithBody');
/** `Request`: send the response through an encoding channel in front of the real one. Used by lib/encoding/wrapper.ts. */
export const kEncodeWith: unique symbol = Symbol('loom.request.encodeWith');
/** `Request`: the form fields and files parsed from a multipart body. Used by the Site. */
export const kSetForm: unique symbol = Symbol('loom.request.setForm');
/** `Request`: the session a remote store loaded before traversal. Used by the Site. */
export const kPreloadSession: unique symbol = Symbol('loom.request.preloadSession');
/** `Request`: the Site gave up waiting for the response (responseTimeout); drop what the resource writes. Used by lib/timeouts.ts. */
export const kCutOff: unique symbol = Symbol('loom.request.cutOff');
/**
 * `Request`: the client address, local address and scheme the front server saw, put back
 * on the request a personal server received from it. Used by lib/distrib/publisher.ts.
 */
export const kRestoreConnection: unique symbol = Symbol('loom.request.restoreConnection');
/** `RequestOwner` (the Site): make a session its store does not keep yet (the Request adds it when its response is sent). Used by `Request`. */
export const kNewSession: unique symbol = Symbol('loom.owner.newSession');
/** `RequestOwner` (the Site): a request has finished; log it and trace it. Used by `Request`. */
export const kRequestFinished: unique symbol = Symbol('loom.owner.requestFinished');
/** `RequestOwner` (the Site): close this too when the Site closes (a cache's watchers). Used by `File` (lib/static/file.ts). */
export const kCloseWithOwner: unique symbol = Symbol('loom.owner.closeWithOwner');
/** `AccessLog` (lib/access-log.ts): take the Site's clock for its timestamps and its logger for write errors. Used by the Site. */
export const kUseClock: unique symbol = Symbol('loom.accessLog.useClock');
/** `FinishNotice` (lib/finish-notice.ts): settle it, done. Used by `Request`. */
export const kResolve: unique symbol = Symbol('loom.finishNotice.resolve');
/** `FinishNotice`: settle it, the client went away. Used by `Request`. */
export const kReject: unique symbol = Symbol('loom.finishNotice.reject');
/** `Session` (lib/session/session.ts): what its store last knew of it, for the store's own use. Used by `RedisSessionStore`. */
export const kStoreMemo: unique symbol = Symbol('loom.session.storeMemo');
/** `ThreadPool` (lib/gateway/pool.ts): a worker posted news of a call; route it to the call. Used by `WorkerSlot` (lib/gateway/slot.ts). */
export const kSlotMessage: unique symbol = Symbol('loom.threadPool.slotMessage');
/** `ThreadPool`: a worker slot's thread died or was stopped; fail its calls, keep the pool at strength. Used by `WorkerSlot`. */
export const kSlotDied: unique symbol = Symbol('loom.threadPool.slotDied');
/** `ThreadPool`: take a call that never started out of the queue. Used by `GatewayCall` (lib/gateway/call.ts). */
export const kUnqueue: unique symbol = Symbol('loom.threadPool.unqueue');
/** `GatewayCall` (lib/gateway/call.ts): fail a call that never reached a worker. Used by `ThreadPool`. */
export const kFailBeforeStart: unique symbol = Symbol('loom.gatewayCall.failBeforeStart');
/** `GatewayCall`: the worker running it died. Used by `ThreadPool`. */
export const kCrashed: unique symbol = Symbol('loom.gatewayCall.crashed');
/** `ThreadPool`: the worker running a call, or null while the call waits in the queue. Used by `GatewayCall`. */
export const kWorkerOf: unique symbol = Symbol('loom.threadPool.workerOf');
/** `ThreadPool`: a call's worker is done with it; free its queue slot. Used by `GatewayCall`. */
export const kCallOver: unique symbol = Symbol('loom.threadPool.callOver');
/** `CallTaker`: count this worker asleep and look at the ring a last time (true: still empty, sleep). The steps of its sleep, for tests that interleave them. */
export const kLieDown: unique symbol = Symbol('loom.callTaker.lieDown');
/** `CallTaker`: this worker is out of its sleep. */
export const kGetUp: unique symbol = Symbol('loom.callTaker.getUp');
/** `CallQueue`: how many times the workers' bell has rung, for tests. */
export const kWorkRings: unique symbol = Symbol('loom.callQueue.workRings');
