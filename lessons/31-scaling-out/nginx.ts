/**
 * The nginx configuration of lesson 31: nginx on one port, passing every request to
 * several Loom processes in turn. The example runs nginx with it, and
 * test/app/scale-out.test.ts tests the same configuration, so what the lesson shows is
 * what is tested. For a real server, keep the `upstream` and `location` blocks and let
 * your distribution's nginx.conf provide the rest.
 */

/** Where nginx listens, where its upstreams are, where it may write. */
export interface NginxSetup {
  /** The port nginx listens on, on 127.0.0.1. */
  readonly port: number;
  /** The Loom processes' ports, on 127.0.0.1. */
  readonly upstreams: readonly number[];
  /** A private folder for nginx's pid file, error log and temporary files. */
  readonly prefix: string;
}

/** The whole nginx.conf for `setup`. */
export function nginxConfig(setup: NginxSetup): string {
  return `# nginx runs in the foreground as one process, writing only under ${setup.prefix}.
daemon off;
master_process off;
worker_processes 1;
pid ${setup.prefix}/nginx.pid;
error_log ${setup.prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${setup.prefix}/client_body;
  proxy_temp_path ${setup.prefix}/proxy;
  fastcgi_temp_path ${setup.prefix}/fastcgi;
  scgi_temp_path ${setup.prefix}/scgi;
  uwsgi_temp_path ${setup.prefix}/uwsgi;
${upstreamBlock(setup.upstreams)}
  server {
    listen 127.0.0.1:${setup.port};
${locationBlock()}
  }
}
`;
}

// #region nginx-upstream
/**
 * The Loom processes, taken in turn (round robin, nginx's default). `keepalive` is how many idle
 * connections to them nginx keeps open: fewer than the requests in flight, and nginx opens and
 * closes a connection per request for the rest (measured: 16 for 50 clients put a fifth of the
 * requests on new connections).
 */
function upstreamBlock(ports: readonly number[]): string {
  const servers = ports.map((port) => `    server 127.0.0.1:${port};`).join('\n');
  return `  upstream loom {\n${servers}\n    keepalive 64;\n  }`;
}
// #endregion nginx-upstream

// #region nginx-location
/**
 * Every request goes to the upstream. HTTP/1.1 with an empty `Connection` keeps the
 * connections to Loom alive. `X-Forwarded-For` is set to the address nginx saw,
 * replacing any the client sent: Loom's `--log-format proxied` trusts the first entry,
 * so it must be nginx's ($proxy_add_x_forwarded_for would keep the client's forgery
 * first). A process that is down is skipped: the request goes to the next one.
 */
function locationBlock(): string {
  return `    location / {
      proxy_pass http://loom;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_next_upstream error timeout;
    }`;
}
// #endregion nginx-location
