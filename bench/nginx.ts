/**
 * nginx as a peer: the configuration each scenario runs it with.
 *
 * One worker process, access log off, files from the fixtures directory, everything
 * under a temporary prefix so no system path is touched. `keepalive_requests` is raised
 * because nginx closes a client connection after 1000 requests by default, which no
 * other server in the table does.
 */

/** What nginx serves: the static fixtures, or a reverse proxy with or without upstream keep-alive. */
export type NginxMode =
  | { readonly kind: 'static' }
  | { readonly kind: 'gzip-static' }
  | { readonly kind: 'proxy'; readonly upstreamKeepAlive: boolean };

export interface NginxSetup {
  readonly port: number;
  /** A private directory for nginx's pid file and temporary files. */
  readonly runDir: string;
  readonly staticDir: string;
  readonly backendPort: number;
}

/** The whole nginx.conf for `mode`. */
export function nginxConfig(mode: NginxMode, setup: NginxSetup): string {
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${setup.runDir}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  keepalive_requests 1000000;',
    `  client_body_temp_path ${setup.runDir}/body;`,
    `  proxy_temp_path ${setup.runDir}/proxy;`,
    '  default_type application/octet-stream;',
    ...upstream(mode, setup),
    '  server {',
    `    listen 127.0.0.1:${setup.port};`,
    ...location(mode, setup),
    '  }',
    '}',
    '',
  ].join('\n');
}

function upstream(mode: NginxMode, setup: NginxSetup): string[] {
  if (mode.kind !== 'proxy') return [];
  return [
    '  upstream backend {',
    `    server 127.0.0.1:${setup.backendPort};`,
    ...(mode.upstreamKeepAlive ? ['    keepalive 64;'] : []),
    '  }',
  ];
}

function location(mode: NginxMode, setup: NginxSetup): string[] {
  if (mode.kind === 'static') return [`    root ${setup.staticDir};`];
  // Serve name.gz, made ahead of time, to clients that take gzip: no compression per request.
  if (mode.kind === 'gzip-static') return [`    root ${setup.staticDir};`, '    gzip_static on;', '    types { text/css css; }'];
  return [
    '    location / {',
    '      proxy_pass http://backend;',
    // Upstream keep-alive needs HTTP/1.1 and an empty Connection header (nginx's docs on `keepalive`).
    ...(mode.upstreamKeepAlive ? ['      proxy_http_version 1.1;', '      proxy_set_header Connection "";'] : []),
    '    }',
  ];
}
