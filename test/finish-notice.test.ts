import { describe, expect, it } from 'vitest';
import { LoomError } from '../lib/errors.ts';
import { FinishNotice } from '../lib/finish-notice.ts';
import { kReject, kResolve } from '../lib/plumbing/symbols.ts';

const lost = (): LoomError => new LoomError('LOOM_ERR_CONNECTION_LOST', 'gone');

describe('FinishNotice', () => {
  it('resolves when the request settles it as done', async () => {
    const notice = new FinishNotice();
    notice[kResolve]();
    await expect(notice).resolves.toBeUndefined();
  });

  it('rejects for await and catch when the client went away', async () => {
    const notice = new FinishNotice();
    const error = lost();
    notice[kReject](error);
    await expect(notice).rejects.toBe(error);
    await expect(notice.catch((e: LoomError) => e.code)).resolves.toBe('LOOM_ERR_CONNECTION_LOST');
  });

  it('gives then(onDone) without onLost a promise that resolves with undefined, never rejects', async () => {
    const notice = new FinishNotice();
    const seen: string[] = [];
    const derived = notice.then(() => seen.push('done'));
    notice[kReject](lost());
    await expect(derived).resolves.toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('hands the error to a second then argument', async () => {
    const notice = new FinishNotice();
    notice[kReject](lost());
    await expect(notice.then(() => 'done', (e) => e.code)).resolves.toBe('LOOM_ERR_CONNECTION_LOST');
  });

  it('settles once: a reject after resolve changes nothing', async () => {
    const notice = new FinishNotice();
    notice[kResolve]();
    notice[kReject](lost());
    await expect(notice).resolves.toBeUndefined();
  });
});
