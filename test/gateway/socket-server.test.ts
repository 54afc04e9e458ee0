import { describe, expect, it } from 'vitest';
import { BodyQueue } from '../../lib/gateway/socket-server.ts';

async function drain(queue: BodyQueue): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of queue) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces).toString();
}

describe('BodyQueue', () => {
  it('hands out the pieces pushed, in order, until the end', async () => {
    const queue = new BodyQueue({ onFull() {}, onRoom() {} });
    queue.push(Buffer.from('ab'));
    const reading = drain(queue);
    queue.push(Buffer.from('cd'));
    queue.push(Buffer.alloc(0));
    queue.end();
    queue.push(Buffer.from('after the end is ignored'));
    expect(await reading).toBe('abcd');
    expect(queue.ended).toBe(true);
  });

  it('says it is full above the high-water mark and has room again once half is taken (the socket pauses and resumes)', async () => {
    const events: string[] = [];
    const queue = new BodyQueue({ onFull: () => events.push('full'), onRoom: () => events.push('room') }, 10);
    for (let i = 0; i < 4; i++) queue.push(Buffer.from('xxxx'));
    expect(events).toEqual(['full']);
    const iterator = queue[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(events).toEqual(['full']);
    await iterator.next();
    expect(events).toEqual(['full', 'room']);
  });
});
