/**
 * @module
 * Loom: Twisted Web's ideas, in TypeScript, written to be read.
 *
 * This is the public face of the library (Twisted's `__all__`). A first server:
 *
 * @example
 * import { Resource, Site, type Request } from 'loom-web';
 *
 * class Hello extends Resource {
 *   override isLeaf = true;
 *   render_GET(request: Request) {
 *     return 'Hello, world!';
 *   }
 * }
 * await new Site(new Hello()).listen('tcp:8080:interface=127.0.0.1');
 *
 * Test helpers (fake clock, in-memory requests) live in `lib/testing.ts`.
 */

export { AccessLog, combinedLogFormatter, proxiedLogFormatter, type AccessLogOptions, type LogFormatter } from './access-log.ts';
export type { Args, UploadedFile } from './plumbing/args.ts';
export type { Address, Channel } from './plumbing/channel.ts';
export { realClock, type Clock, type DelayedCall } from './clock.ts';
export { Content } from './plumbing/content.ts';
export { parseEndpoint, type Endpoint } from './plumbing/endpoints.ts';
export { LoomError, isLoomError, ERROR_CODES, type LoomErrorCode } from './errors.ts';
export { Headers } from './plumbing/headers.ts';
export { escapeHTML } from './plumbing/html.ts';
export { datetimeToString, stringToDatetime } from './plumbing/http.ts';
export { consoleLogger, silentLogger, streamLogger, type Logger } from './logger.ts';
export { ErrorPage, errorPage, notFound, forbidden } from './pages.ts';
export { render } from './render.ts';
export { FinishNotice } from './finish-notice.ts';
export { CACHED, Request, type CookieOptions, type RequestOwner, type RequestHead } from './request.ts';
export {
  NOT_DONE_YET, Resource, UnsupportedMethod, getChildForRequest,
  type Body, type IResource, type RenderMethod, type RenderResult,
} from './resource.ts';
export { Site, type ListeningPort, type SiteOptions } from './site.ts';
export { MultiService, SiteService, listeningPorts, type Service } from './service.ts';
export { VERSION } from './plumbing/version.ts';
export { EventTracer, formatTrace, type TraceEvent, type Tracer } from './trace.ts';
export { URLPath } from './plumbing/url-path.ts';
export { DeferredResource, ParentRedirect, Redirect, redirectTo } from './util.ts';
export {
  ComponentKey, DEFAULT_SESSION_TIMEOUT, MemorySessionStore, RedisSessionStore, Session, defaultSessionFactory,
  type RedisSessionStoreOptions, type SavedSession, type SessionFactory, type SessionStore,
} from './session/index.ts';
export {
  DEFAULT_CONTENT_ENCODINGS, DEFAULT_CONTENT_TYPES, DEFAULT_INDEX_NAMES, Data, DirectoryCache, DirectoryLister, File, FileCache, Registry,
  formatFileSize, getTypeAndEncoding, loadMimeTypes, parseRangeHeader, planRanges,
  type ByteRange, type CachedFile, type DirectoryCacheOptions, type DirectoryListerOptions, type FileCacheOptions, type FileOptions, type FileVersion,
  type Processor, type ProcessorTable, type RangePlan, type RangeSpec, type TypeAndEncoding,
} from './static/index.ts';
export { ResourceScript, ResourceScriptDirectory, ResourceScriptWrapper, loadResourceScript } from './script.ts';
export { CGIDirectory, CGIScript, FilteredScript, PHPScript, cgiEnvironment, isindexArguments, type CGIOptions } from './cgi.ts';
export {
  ANONYMOUS, AllowAnonymousAccess, FilePasswordDB, InMemoryPasswordChecker, PasswordChecker, Portal, UnauthorizedLogin, hashPassword,
  type Anonymous, type Avatar, type AvatarId, type Credentials, type CredentialsChecker, type DigestedCredentials, type Realm, type UsernamePassword,
} from './cred.ts';
export {
  BasicCredentialFactory, DigestCredentialFactory, HTTPAuthSessionWrapper, LoginFailed, UnauthorizedResource,
  type CredentialFactory, type DigestAlgorithm,
} from './guard/index.ts';
export { ASISProcessor, asisProcessor } from './asis.ts';
export {
  GatewayResource, ThreadPool, getThreadPool, appRef, loadApplication, loadGatewayResource, makeServer, runCGI, SCGIServer, FastCGIServer,
  compose, mapBody, addHeaders, validator, ENVIRON_PREFIX,
  type AppRef, type Application, type Chunk, type Environ, type ErrorStream, type Header, type InputStream, type StartResponse,
  type Write, type Middleware, type ThreadPoolOptions, type GatewayResourceOptions, type LoadGatewayOptions, type SimpleServer,
  type Violation, type ValidatorOptions,
} from './gateway/index.ts';
export {
  DEFAULT_PROXY_TIMEOUT, DEFAULT_TUNNEL_PORTS, ForwardProxyResource, ProxyClientFactory, ReverseProxyResource, parseProxyTarget,
  tunnelTarget, upstreamHeaders, type ForwardProxyOptions, type ProxyClientOptions, type TunnelTarget, type UpstreamTarget,
} from './proxy/index.ts';
export {
  BrotliEncoderFactory, DEFAULT_BROTLI_QUALITY, DEFAULT_GZIP_LEVEL, DEFAULT_MIN_LENGTH, EncodingResourceWrapper, GzipEncoderFactory,
  chooseEncoding, parseAcceptEncoding, type AcceptedCoding, type EncodingOptions, type RequestEncoderFactory,
} from './encoding/index.ts';
export { HostResource, NameVirtualHost, VHostMonsterResource, hostnameOf } from './vhost.ts';
export { RewriterResource, alias, setPathFromSegments, tildeToUsers, type RewriteRule } from './rewrite.ts';
export {
  DEFAULT_DISTRIB_TIMEOUT, PERSONAL_SOCKET_NAME, PERSONAL_SUFFIX, PasswdFile, ResourcePublisher, ResourceSubscription, UserDirectory,
  parsePasswd, personalSocketPath, realName, removeStaleSocket, userList,
  type PasswdEntry, type UserDatabase, type UserDirectoryOptions,
} from './distrib/index.ts';
