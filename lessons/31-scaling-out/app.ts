/**
 * Lesson 31's application: what each Loom process serves (`loom web --class
 * ./lessons/31-scaling-out/app.ts`). Every page says which process answered, so you can
 * watch nginx take turns; the visit counter lives in the session, so it keeps counting
 * whichever process answers, as long as the sessions are in Redis.
 */
import { ComponentKey, Resource, type Request } from '../../lib/index.ts';

// #region counter-app
/** A plain object, because a session kept in Redis holds JSON, not live objects. */
export const Visits = new ComponentKey<{ count: number }>('lesson31-visits', () => ({ count: 0 }));

/** `/`: which process answered, and how many times this session has visited. */
export default class CounterApp extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    const session = request.getSession();
    const visits = { count: session.getComponent(Visits)!.count + 1 };
    session.setComponent(Visits, visits); // a new value: the store writes it back when the response ends
    return [
      `served by process ${process.pid}`,
      `visits in this session: ${visits.count}`,
      `X-Forwarded-For (what the access log names): ${request.getHeader('x-forwarded-for') ?? '(none)'}`,
      '',
    ].join('\n');
  }
}
// #endregion counter-app
