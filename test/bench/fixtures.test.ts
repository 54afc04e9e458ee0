import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { htmlPage, makeFixtures, pseudoRandomBytes } from '../../bench/fixtures.ts';

describe('pseudoRandomBytes', () => {
  it('gives the same bytes for the same seed and different ones for another', () => {
    expect(pseudoRandomBytes(64, 1).equals(pseudoRandomBytes(64, 1))).toBe(true);
    expect(pseudoRandomBytes(64, 1).equals(pseudoRandomBytes(64, 2))).toBe(false);
  });

  it('does not compress, so a server cannot pass a size check with a wrong range', () => {
    expect(gzipSync(pseudoRandomBytes(1024, 1)).length).toBeGreaterThan(1000);
  });
});

describe('htmlPage', () => {
  it('is exactly the size asked for and compresses like text', () => {
    const page = htmlPage(20 * 1024);
    expect(page.length).toBe(20 * 1024);
    expect(page.toString()).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    const ratio = page.length / gzipSync(page).length;
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(12);
  });
});

describe('makeFixtures', () => {
  it('writes the files the scenarios serve, readable by another user, and removes them', () => {
    const fixtures = makeFixtures();
    try {
      expect(readFileSync(join(fixtures.staticDir, '1k.bin')).equals(fixtures.bodies['1k'])).toBe(true);
      expect(statSync(join(fixtures.staticDir, '1m.bin')).size).toBe(1024 * 1024);
      expect(readFileSync(fixtures.pageFile).equals(fixtures.bodies.page)).toBe(true);
      expect(statSync(fixtures.dir).mode & 0o005).toBe(0o005);
      expect(existsSync(join(fixtures.staticDir, 'missing.bin'))).toBe(false);
    } finally {
      fixtures.remove();
    }
    expect(existsSync(fixtures.dir)).toBe(false);
  });
});
