/**
 * Graded tests for exercise 18. Each test plays one or two browsers against one
 * in-memory Site: each keeps the `TWISTED_SESSION` cookie its first response set and
 * sends it back, and adds items by posting a form, as a browser would.
 */
import { describe, it } from 'vitest';
import { isLoomError } from '../../lib/index.ts';
import { request, testSite, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { CART, createRoot } = await subject<typeof import('./cart.ts')>(import.meta.url, 'cart.ts');

const EMPTY = '<html><body>Your cart is empty.</body></html>';
const list = (...items: string[]) => `<html><body><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></body></html>`;

/** A fresh site, and a way to make browsers for it. */
function shop() {
  const site = testSite(createRoot());
  /** A browser: it remembers the session cookie the site sets. */
  const browser = () => {
    let cookie: string | undefined;
    const remember = (response: TestResponse) => {
      const set = /^TWISTED_SESSION=[0-9a-f]{64}/.exec(response.headers.getLast('set-cookie') ?? '')?.[0];
      if (set !== undefined) cookie = set;
      return response;
    };
    const headers = (extra: Record<string, string> = {}) => (cookie === undefined ? extra : { ...extra, cookie });
    return {
      view: async () => remember(await request(site, { uri: '/cart', headers: headers() })),
      add: async (item: string | null) => remember(await request(site, {
        method: 'POST',
        uri: '/cart',
        headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }),
        body: item === null ? 'other=x' : new URLSearchParams({ item }).toString(),
      })),
    };
  };
  return { site, browser };
}

describe('CART', () => {
  it('makes an empty cart, and a new one for every session', () => {
    const a = CART.create?.();
    const b = CART.create?.();
    if (a === undefined) throw new GradingError('CART has no create function, so a session has no cart until something stores one. Give the key a second argument: () => ({ lines: [] }).');
    if (JSON.stringify(a) !== '{"lines":[]}') throw new GradingError(`CART.create() made ${JSON.stringify(a)}; expected an empty cart, {"lines":[]}.`);
    if (a === b || a.lines === b?.lines) throw new GradingError('CART.create() returned the same object twice: every session would share one cart. Make a new object each time it runs.');
  });
});

describe('CartPage', () => {
  it('shows an empty cart to a new visitor', async () => {
    expectResponse(await shop().browser().view(), { code: 200, body: EMPTY }, 'A new visitor (no cookie) asked for /cart.');
  });

  it('adds an item and shows it on the visitor\'s next request', async () => {
    const ann = shop().browser();
    expectResponse(await ann.add('apple'), { code: 200, body: list('apple × 1') }, 'A new visitor posted item=apple.');
    expectResponse(await ann.view(), { code: 200, body: list('apple × 1') }, 'Then the same visitor (with the cookie) asked for /cart.');
  });

  it('counts an item added twice on one line, and keeps lines in the order first added', async () => {
    const ann = shop().browser();
    for (const item of ['pear', 'apple', 'pear']) await ann.add(item);
    expectResponse(await ann.view(), { code: 200, body: list('pear × 2', 'apple × 1') }, 'One visitor added pear, apple, pear.');
  });

  it('keeps each visitor\'s cart apart', async () => {
    const { browser } = shop();
    const ann = browser();
    const bo = browser();
    await ann.add('apple');
    await bo.add('bread');
    await ann.add('apple');
    expectResponse(await ann.view(), { code: 200, body: list('apple × 2') }, 'ann added apple twice; bo added bread. This is ann\'s cart.');
    expectResponse(await bo.view(), { code: 200, body: list('bread × 1') }, 'ann added apple twice; bo added bread. This is bo\'s cart.');
    expectResponse(await browser().view(), { code: 200, body: EMPTY }, 'A third visitor, who added nothing, asked for /cart.');
  });

  it('answers 400 and changes nothing when the item is missing or blank', async () => {
    const ann = shop().browser();
    await ann.add('apple');
    expectResponse(await ann.add(null), { code: 400, body: '<html><body>Say which item to add.</body></html>' }, 'The form had no item field.');
    expectResponse(await ann.add('   '), { code: 400, body: '<html><body>Say which item to add.</body></html>' }, 'The item was three spaces.');
    expectResponse(await ann.view(), { code: 200, body: list('apple × 1') }, 'Only the first POST (item=apple) should have changed the cart.');
  });

  it('keeps the cart as plain data, which a session store outside this process could keep', async () => {
    const response = await shop().browser().add('apple');
    const session = response.request.session;
    if (session === null) throw new GradingError('The POST never called request.getSession().');
    try {
      const saved = JSON.parse(JSON.stringify(session.save())) as { components: Record<string, unknown> };
      if (JSON.stringify(saved.components.cart) !== '{"lines":[{"name":"apple","quantity":1}]}') {
        throw new GradingError(`After adding one apple, the session's cart, saved as JSON, is ${JSON.stringify(saved.components.cart)}; expected {"lines":[{"name":"apple","quantity":1}]}.`);
      }
    } catch (error) {
      if (isLoomError(error, 'LOOM_ERR_SESSION_VALUE')) throw new GradingError(`The cart is not plain data: ${error.message}`);
      throw error;
    }
  });
});
