/**
 * Graded tests for exercise 19. The site runs on a FakeClock, so time passes only when
 * a test says so (`clock.advance(30)` is thirty seconds, at once). Each visitor keeps
 * the `TWISTED_SESSION` cookie its first response set and sends it back, as a browser
 * does.
 */
import { describe, it } from 'vitest';
import { FakeClock, memoryLogger, request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { BriefSession, SeatPool, createSite } = await subject<typeof import('./seats.ts')>(import.meta.url, 'seats.ts');

/** A theatre with `seats`, on a fake clock, and a way to make visitors for it. */
function theatre(seats = ['A1', 'A2', 'A3']) {
  const clock = new FakeClock(1_000);
  const pool = new SeatPool(seats);
  const site = createSite(pool, { clock, logger: memoryLogger() });
  const visitor = () => {
    let cookie: string | undefined;
    const send = async (method: string, uri: string): Promise<TestResponse> => {
      const response = await request(site, { method, uri, headers: cookie === undefined ? {} : { cookie } });
      cookie = /^TWISTED_SESSION=[0-9a-f]{64}/.exec(response.headers.getLast('set-cookie') ?? '')?.[0] ?? cookie;
      return response;
    };
    return { hold: () => send('POST', '/hold'), look: () => send('GET', '/hold'), leave: () => send('POST', '/leave') };
  };
  /** Fail unless the pool's free seats are exactly `expected`, in order. */
  const expectFree = (expected: string[], when: string) => {
    if (pool.free.join() !== expected.join()) {
      throw new GradingError(`${when}\n✗ The free seats are [${pool.free.join(', ')}]; expected [${expected.join(', ')}].`);
    }
  };
  return { clock, pool, visitor, expectFree };
}

const holds = (seat: string) => `<html><body>You hold seat ${seat}.</body></html>`;

describe('BriefSession and briefSessions', () => {
  it('make every session of the site a BriefSession that ends after 30 seconds unused', async () => {
    const session = (await theatre().visitor().look()).request.session;
    if (!(session instanceof BriefSession)) {
      throw new GradingError(`The site made a ${session?.constructor.name ?? 'missing'} session; expected a BriefSession. The site calls briefSessions to make each session: make it return a BriefSession.`);
    }
    if (session.sessionTimeout !== 30) throw new GradingError(`A BriefSession's sessionTimeout is ${session.sessionTimeout}; expected 30 (seconds).`);
  });
});

describe('HoldPage.render_POST', () => {
  it('gives a visitor the next free seat, and shows it on their next visit', async () => {
    const { visitor, expectFree } = theatre();
    const ann = visitor();
    expectResponse(await ann.hold(), { code: 200, body: holds('A1') }, 'A new visitor posted to /hold; A1, A2 and A3 were free.');
    expectResponse(await ann.look(), { code: 200, body: holds('A1') }, 'Then the same visitor (with the cookie) asked for /hold.');
    expectFree(['A2', 'A3'], 'One visitor took a seat.');
  });

  it('lets a visitor hold only one seat, however often they ask', async () => {
    const { visitor, expectFree } = theatre();
    const ann = visitor();
    await ann.hold();
    expectResponse(await ann.hold(), { code: 200, body: holds('A1') }, 'The visitor who holds A1 posted to /hold again.');
    expectFree(['A2', 'A3'], 'One visitor asked for a seat twice.');
  });

  it('gives different visitors different seats, and answers 409 when none is left', async () => {
    const { visitor } = theatre(['A1', 'A2']);
    expectResponse(await visitor().hold(), { code: 200, body: holds('A1') });
    expectResponse(await visitor().hold(), { code: 200, body: holds('A2') }, 'A second visitor asked for a seat.');
    expectResponse(await visitor().hold(), { code: 409, body: '<html><body>No seats left.</body></html>' }, 'A third visitor asked; the theatre has two seats.');
  });

  it('lets a visitor who holds a seat keep it when the theatre is full', async () => {
    const { visitor, expectFree } = theatre(['A1']);
    const ann = visitor();
    await ann.hold();
    expectResponse(await ann.hold(), { code: 200, body: holds('A1') },
      'The theatre has one seat, A1, and this visitor holds it; they posted to /hold again. Only a visitor with no seat is told none are left.');
    expectFree([], 'The only seat is held.');
  });

  it('gives the seat back 30 seconds after the visitor\'s last request, not before', async () => {
    const { clock, visitor, expectFree } = theatre();
    await visitor().hold();
    clock.advance(29);
    expectFree(['A2', 'A3'], '29 seconds after the seat was taken, the session is still alive.');
    clock.advance(1);
    expectFree(['A2', 'A3', 'A1'], '30 seconds after its last request, the session has timed out and its seat should be free again.');
  });

  it('keeps the seat while the visitor keeps coming back', async () => {
    const { clock, visitor, expectFree } = theatre();
    const ann = visitor();
    await ann.hold();
    clock.advance(20);
    await ann.look();
    clock.advance(20);
    expectResponse(await ann.look(), { code: 200, body: holds('A1') }, 'The visitor came back after 20 seconds, and again after 20 more.');
    clock.advance(29);
    expectFree(['A2', 'A3'], 'The last visit was 29 seconds ago.');
    clock.advance(1);
    expectFree(['A2', 'A3', 'A1'], 'The last visit was 30 seconds ago: the session has ended.');
  });

  it('gives the seat back at once when the visitor leaves', async () => {
    const { visitor, expectFree } = theatre();
    const ann = visitor();
    await ann.hold();
    await ann.leave();
    expectFree(['A2', 'A3', 'A1'], 'The visitor took A1, then posted to /leave, which calls session.expire().');
    expectResponse(await ann.look(), { code: 200, body: '<html><body>You hold no seat.</body></html>' }, 'After leaving, the visitor came back.');
  });

  it('gives each seat back once, even to a visitor who asked for it several times', async () => {
    const { clock, visitor, expectFree } = theatre();
    const ann = visitor();
    await ann.hold();
    await ann.hold();
    await ann.hold();
    clock.advance(30);
    expectFree(['A2', 'A3', 'A1'], 'The visitor posted to /hold three times, then the session timed out. A1 should be free once, not three times.');
  });

  it('gives back only the seats of sessions that ended', async () => {
    const { clock, visitor, expectFree } = theatre();
    const ann = visitor();
    const bo = visitor();
    await ann.hold();
    clock.advance(15);
    await bo.hold();
    clock.advance(15);
    expectFree(['A3', 'A1'], 'ann took A1 and bo took A2, 15 seconds apart; now ann\'s session has ended and bo\'s has not.');
    await visitor().look();
    expectFree(['A3', 'A1'], 'A visitor who never held a seat has nothing to give back.');
  });
});
