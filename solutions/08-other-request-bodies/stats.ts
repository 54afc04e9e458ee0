/**
 * Reference solution for exercise 08 (a small JSON API). Read it after your own passes:
 * `npm run solution 08`.
 */
import { Resource, isLoomError, type Request } from '../../lib/index.ts';

/** The list in `{"numbers": [...]}` when `data` has that shape, else null. */
export function numbersOf(data: unknown): number[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const numbers: unknown = (data as { numbers?: unknown }).numbers;
  if (!Array.isArray(numbers)) return null;
  return numbers.every((n): n is number => typeof n === 'number') ? numbers : null;
}

/** Statistics about a list of numbers sent as JSON. */
export class Stats extends Resource {
  render_POST(request: Request): string {
    // Every answer, good or bad, is JSON: set the type once, before anything else.
    request.setHeader('content-type', 'application/json');
    let data: unknown;
    try {
      data = request.content.json();
    } catch (error) {
      // json() throws a LoomError with status 400. Left uncaught, the Site would answer
      // with its HTML 400 page; an API's clients expect JSON, so catch it here.
      if (!isLoomError(error, 'LOOM_ERR_BAD_REQUEST')) throw error;
      return fail(request, 'The body is not valid JSON.');
    }
    const numbers = numbersOf(data);
    if (numbers === null) return fail(request, 'Send an object with a list of numbers, like {"numbers": [1, 2, 3]}.');
    const sum = numbers.reduce((total, n) => total + n, 0);
    return JSON.stringify({ count: numbers.length, sum, mean: sum / numbers.length });
  }
}

/** Answer 400 with a JSON error. */
function fail(request: Request, message: string): string {
  request.setResponseCode(400);
  return JSON.stringify({ error: message });
}

/** The site's tree: the API at /stats. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('stats', new Stats());
  return root;
}
