/**
 * @module
 * The gateway: Loom's counterpart of WSGI. An application written once against the
 * interface in `spec.ts` runs in a resource tree on worker threads (`GatewayResource`),
 * as a CGI script (`runCGI`), on a single-threaded development server (`makeServer`),
 * or behind nginx over SCGI and FastCGI; middleware and a validator wrap it.
 *
 * Twisted counterpart: `twisted.web.wsgi` and `twisted.python.threadpool`, with Python's
 * `wsgiref` (simple server, CGI handler, validator) and the flup-style SCGI/FastCGI
 * servers. Lessons 15 and 27.
 */

export type {
  AppRef, Application, CgiEnviron, Chunk, Environ, ErrorStream, Header, InputStream, StartResponse, Write,
} from './spec.ts';
export { ENVIRON_PREFIX, GATEWAY_VERSION } from './spec.ts';
export { ApplicationRun, type ResponseOutput } from './handler.ts';
export { environFromCgi, environFromRequest, completeEnviron } from './environ.ts';
export { BlockingInput, LogErrorStream } from './input.ts';
export { ThreadPool, getThreadPool, type ThreadPoolOptions } from './pool.ts';
export type { CallHandle, CallSink, CallSpec } from './call.ts';
export { GatewayResource, type GatewayResourceOptions } from './resource.ts';
export { appRef, loadApplication, loadGatewayResource, parseGatewaySpec, type LoadGatewayOptions } from './loader.ts';
export { runCGI, cgiHead, type CGIOptions } from './cgi.ts';
export { makeServer, type SimpleServer, type SimpleServerOptions } from './simple-server.ts';
export { GatewayServer, BodyQueue, type GatewayServerOptions } from './socket-server.ts';
export { SCGIServer } from './scgi.ts';
export { FastCGIServer } from './fastcgi.ts';
export { compose, mapBody, addHeaders, type Middleware } from './middleware.ts';
export { validator, type Violation, type ValidatorOptions } from './validator.ts';
