import { describe, expect, it, vi } from 'vitest';
import { consoleLogger, describe as describeError, silentLogger } from '../lib/logger.ts';

describe('consoleLogger', () => {
  it('writes one line per message to stderr with the level, and the stack for errors', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      consoleLogger.warn('careful');
      consoleLogger.error('failed', new Error('why'));
      expect(String(write.mock.calls[0]?.[0])).toMatch(/^\d{4}-\d\d-\d\dT.* \[warn\] careful\n$/);
      expect(String(write.mock.calls[1]?.[0])).toMatch(/\[error\] failed\nError: why\n\s+at /);
    } finally {
      write.mockRestore();
    }
  });
});

describe('describe', () => {
  it('renders thrown values that are not errors', () => {
    expect(describeError(undefined)).toBe('');
    expect(describeError('text')).toBe('\ntext');
  });
});

describe('silentLogger', () => {
  it('drops everything', () => {
    expect(() => silentLogger.error('x', new Error('y'))).not.toThrow();
  });
});

describe('streamLogger', () => {
  it('writes the same lines as consoleLogger, to the stream it is given', async () => {
    const { streamLogger } = await import('../lib/logger.ts');
    const lines: string[] = [];
    const logger = streamLogger({ write: (text: string) => lines.push(text) });
    logger.info('started');
    logger.error('failed', new Error('why'));
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* \[info\] started\n$/);
    expect(lines[1]).toMatch(/\[error\] failed\nError: why\n\s+at /);
  });
});
