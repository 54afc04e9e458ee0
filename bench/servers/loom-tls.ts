/**
 * Loom's hello world over TLS: the same leaf as loom-hello.ts on an `ssl:` endpoint,
 * which offers HTTP/2 and HTTP/1.1 by ALPN, so one server answers both TLS cases.
 */
import { Resource, Site } from '../../lib/index.ts';
import { HELLO, announce, benchEnv, benchPort } from './common.ts';

class Hello extends Resource {
  override isLeaf = true;
  render_GET(): string {
    return HELLO;
  }
}

const port = benchPort();
const key = benchEnv('BENCH_TLS_KEY');
const cert = benchEnv('BENCH_TLS_CERT');
await new Site(new Hello()).listen(`ssl:${port}:privateKey=${key}:certKey=${cert}:interface=127.0.0.1`);
announce(port);
