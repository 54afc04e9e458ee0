/**
 * A throwaway certificate for the TLS tests, made with openssl the way a person would
 * make one for a test server: a self-signed certificate for `localhost` and `127.0.0.1`,
 * with its key, in a fresh temporary folder. Clients trust it by being given the
 * certificate itself as their CA (`curl --cacert`, `ca:` in Node).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and a certificate on disk, and the certificate's text for clients. */
export interface TestCertificate {
  readonly dir: string;
  readonly key: string;
  readonly cert: string;
  /** The certificate, PEM, for `ca:` options. */
  readonly pem: string;
  /** `ssl:0:privateKey=…:certKey=…:interface=127.0.0.1`: a free loopback port with this certificate. */
  readonly endpoint: string;
  remove(): void;
}

/** Make a key and self-signed certificate with `openssl` (which must be on PATH). */
export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'loom-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return {
    dir, key, cert, pem: readFileSync(cert, 'utf8'),
    endpoint: `ssl:0:privateKey=${key}:certKey=${cert}:interface=127.0.0.1`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
