/**
 * The files a run serves, made fresh in a temporary directory: a 1 KiB and a 1 MiB file
 * for the static scenario, the 20 KiB page for gzip, and the nginx configurations.
 *
 * The static files are pseudo-random bytes from a fixed seed, so a server that sent the
 * wrong range or a stale buffer cannot pass the body check by accident. The page is
 * HTML made of words, so it compresses like a real page (about 4:1), not like zeros.
 * The TLS scenario's key and self-signed certificate are made by openssl, once a run,
 * so that every TLS server is measured on the very same certificate.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Bodies } from './check.ts';
import { HELLO } from './servers/common.ts';

export interface Fixtures {
  readonly dir: string;
  readonly staticDir: string;
  readonly pageFile: string;
  readonly bodies: Bodies;
  /** PEM files for the TLS servers: an RSA 2048 key and a certificate for 127.0.0.1. */
  readonly tlsKey: string;
  readonly tlsCert: string;
  remove(): void;
}

/** xorshift32 bytes from `seed`: the same every run. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const WORDS = ('resource request render site child segment prepath postpath leaf session cookie header ' +
  'status body channel finish write deferred reactor proxy gateway thread static file directory listing ' +
  'encoding gzip virtual host rewrite script template error page log access combined format').split(' ');

/** An HTML page of about `size` bytes (exactly `size`, padded with spaces before `</html>`). */
export function htmlPage(size: number, seed = 7): Buffer {
  const pick = pseudoRandomBytes(size, seed);
  const parts = ['<!doctype html>\n<html><head><title>Loom benchmark page</title></head><body>\n'];
  let length = parts[0]!.length;
  for (let i = 0; length < size - 200; i++) {
    const words = Array.from({ length: 8 + (pick[i]! % 9) }, (_, j) => WORDS[pick[(i * 17 + j) % size]! % WORDS.length]);
    const line = `<p id="p${i}">${words.join(' ')}.</p>\n`;
    parts.push(line);
    length += line.length;
  }
  const end = '</body></html>\n';
  return Buffer.from(parts.join('') + ' '.repeat(size - length - end.length) + end);
}

/** A stylesheet of exactly `size` bytes: rules for numbered classes, as a site's CSS looks. */
export function stylesheet(size: number): Buffer {
  const rules: string[] = [];
  let length = 0;
  for (let i = 0; length < size - 100; i++) {
    const rule = `.card-${i} { margin: ${i % 7}px ${i % 5}px; color: #${(0x334455 + i * 97).toString(16).slice(-6)}; display: flex; }\n`;
    rules.push(rule);
    length += rule.length;
  }
  return Buffer.from(rules.join('') + '/*' + ' '.repeat(size - length - 4) + '*/');
}

/** Make the fixtures. Readable by everyone: nginx's worker may run as another user. */
export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-'));
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  const bodies = { hello: Buffer.from(HELLO), '1k': pseudoRandomBytes(1024, 1), '1m': pseudoRandomBytes(1024 * 1024, 2), page: htmlPage(20 * 1024), css: stylesheet(20 * 1024) };
  writeFileSync(join(staticDir, '1k.bin'), bodies['1k']);
  writeFileSync(join(staticDir, '1m.bin'), bodies['1m']);
  // The stylesheet, and the .gz that nginx's gzip_static serves (made once, at level 9).
  writeFileSync(join(staticDir, 'site.css'), bodies.css);
  writeFileSync(join(staticDir, 'site.css.gz'), gzipSync(bodies.css, { level: 9 }));
  const pageFile = join(dir, 'page.html');
  writeFileSync(pageFile, bodies.page);
  const tlsKey = join(dir, 'tls-key.pem');
  const tlsCert = join(dir, 'tls-cert.pem');
  makeCertificate(tlsKey, tlsCert);
  for (const path of [dir, staticDir]) chmodSync(path, 0o755);
  return { dir, staticDir, pageFile, bodies, tlsKey, tlsCert, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl, from Debian's openssl package). */
function makeCertificate(keyFile: string, certFile: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore', timeout: 30_000 });
}
