/**
 * Chromium for the browser tests that load a Loom page over TLS: the requirement (skipped
 * with its reason outside CI, a failure under CI=true) and a headless browser that trusts
 * one test certificate by its public key's hash, so no CA has to be installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM } from '../docs/support/built-site.ts';
import { requires } from './programs.ts';

/** Chromium, as `requires()` gives it: `chromium.it(...)` runs only where it is installed (always under CI). */
export const chromium = requires('chromium', { find: () => (existsSync(CHROMIUM) ? CHROMIUM : null) });

/** The base64 SHA-256 of a certificate's public key, the form Chromium's SPKI allow-list takes. */
function spkiHash(cert: string): string {
  const key = execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: key });
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
}

/** Run `use` with a headless Chromium that trusts the certificate in `certPath`, then close it and remove its profile. */
export async function withChromiumTrusting<T>(certPath: string, use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const { chromium: browserType } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'loom-chromium-'));
  const context = await browserType.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${spkiHash(certPath)}`],
  });
  try {
    return await use(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
