/**
 * Exercise 08 · Other request bodies: a small JSON API.
 *
 * POST /stats takes a JSON body such as `{"numbers": [2, 4, 9]}` and answers, in JSON,
 * how many numbers there were, their sum and their mean:
 *
 *     200  Content-Type: application/json
 *          {"count":3,"sum":15,"mean":5}
 *
 * Write `Stats.render_POST` so that:
 * 1. it reads the body with `request.content.json()`;
 * 2. a body that is not valid JSON gets 400, `Content-Type: application/json`, and a
 *    JSON object with an `error` field that says so, e.g. `{"error":"The body is not valid JSON."}`;
 * 3. valid JSON that is not an object with a list of numbers (`numbersOf`, below, tells
 *    you) gets 400 and a JSON `error` in the same way;
 * 4. otherwise it answers 200 with `JSON.stringify({ count, sum, mean })`, keys in that
 *    order, and `Content-Type: application/json`. An empty list has a count and sum of 0;
 *    its mean, 0 / 0, is NaN, which JSON.stringify writes as null.
 *
 * Grade with `npm run grade 08`; stuck? `npm run hint 08`.
 */
import { Resource, type Request } from '../../lib/index.ts';

/** The list in `{"numbers": [...]}` when `data` has that shape, else null. */
export function numbersOf(data: unknown): number[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const numbers: unknown = (data as { numbers?: unknown }).numbers;
  if (!Array.isArray(numbers)) return null;
  return numbers.every((n): n is number => typeof n === 'number') ? numbers : null;
}

/** Statistics about a list of numbers sent as JSON. */
export class Stats extends Resource {
  // TODO: add render_POST(request: Request): string, doing steps 1 to 4 above.
}

/** The site's tree: the API at /stats. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('stats', new Stats());
  return root;
}
