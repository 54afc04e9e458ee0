/**
 * Graded tests for exercise 20. Each test builds a Site with the learner's
 * `StepRecorder` as its tracer, sends in-memory requests (the same path a live request
 * takes once Node has parsed it), and compares the diaries with what the Site did.
 */
import { describe, it } from 'vitest';
import { NOT_DONE_YET, Resource, type IResource, type Request } from '../../lib/index.ts';
import { makeRequest, request, testSite, type MemoryChannel } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError } from '../../tools/grading/wire.ts';

const { StepRecorder } = await subject<typeof import('./recorder.ts')>(import.meta.url, 'recorder.ts');

class YearPage extends Resource {
  readonly year: string;

  constructor(year: string) {
    super();
    this.year = year;
  }

  render_GET(_request: Request): string {
    return `The year ${this.year}`;
  }
}

class Calendar extends Resource {
  override getChild(name: string, _request: Request): IResource {
    return new YearPage(name);
  }
}

class Files extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    return `file ${request.postpath.join('/')}`;
  }
}

/** Answers only when `release()` is called, so that another request can finish first. */
class Slow extends Resource {
  override isLeaf = true;
  readonly waiting: Request[] = [];

  render_GET(request: Request): typeof NOT_DONE_YET {
    this.waiting.push(request);
    return NOT_DONE_YET;
  }

  release(): void {
    for (const r of this.waiting.splice(0)) {
      r.write('slow');
      r.finish();
    }
  }
}

function server() {
  const slow = new Slow();
  const root = new Resource();
  root.putChild('calendar', new Calendar());
  root.putChild('files', new Files());
  root.putChild('slow', slow);
  const recorder = new StepRecorder();
  const site = testSite(root, { tracer: recorder });
  return { site, recorder, slow };
}

function same(actual: readonly (readonly string[])[], expected: readonly (readonly string[])[], what: string): void {
  const show = (d: readonly (readonly string[])[]) => d.length === 0 ? '  (no diary at all)' : d.map((lines, i) => `  diary ${i + 1}:\n${lines.map((l) => `    ${l}`).join('\n')}`).join('\n');
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new GradingError(`✗ ${what}\nExpected recorder.diaries to be:\n${show(expected)}\nbut it was:\n${show(actual)}`);
  }
}

describe('StepRecorder', () => {
  it('writes a diary for one request, from start to finish', async () => {
    const { site, recorder } = server();
    await request(site, { uri: '/calendar/2009' });
    same(recorder.diaries, [[
      'request GET /calendar/2009',
      'child "calendar" → Calendar (putChild)',
      'child "2009" → YearPage (getChild)',
      'arrived YearPage, postpath []',
      'render YearPage.render_GET',
      'finish 200, 13 bytes',
    ]], 'GET /calendar/2009 walks two segments, renders, and finishes.');
  });

  it('shows a leaf stopping the walk with path left over', async () => {
    const { site, recorder } = server();
    await request(site, { uri: '/files/a/b.txt' });
    same(recorder.diaries, [[
      'request GET /files/a/b.txt',
      'child "files" → Files (putChild)',
      'arrived Files, postpath ["a","b.txt"]',
      'render Files.render_GET',
      'finish 200, 12 bytes',
    ]], 'Files is a leaf: the walk stops there and leaves ["a","b.txt"] in postpath.');
  });

  it('shows a missing child becoming a 404 page', async () => {
    const { site, recorder } = server();
    await request(site, { uri: '/nowhere' });
    const diary = recorder.diaries[0] ?? [];
    const expected = ['request GET /nowhere', 'child "nowhere" → ErrorPage (getChild)', 'arrived ErrorPage, postpath []'];
    same([diary.slice(0, 3)], [expected], 'No child is named "nowhere": getChild gives an ErrorPage (the first three lines).');
    const last = diary[diary.length - 1] ?? '';
    if (!last.startsWith('finish 404, ')) throw new GradingError(`✗ The last line of the diary should be "finish 404, N bytes"; it was ${JSON.stringify(last)}.`);
  });

  it('keeps one diary per request when two are in flight at once', async () => {
    const { site, recorder, slow } = server();
    const first = request(site, { uri: '/slow' });
    await request(site, { uri: '/calendar/1999' });
    if (slow.waiting.length !== 1) throw new GradingError('✗ The slow request should still be waiting.');
    slow.release();
    await first;
    same(recorder.diaries.map((d) => [d[0]!, d[d.length - 1]!]), [
      ['request GET /calendar/1999', 'finish 200, 13 bytes'],
      ['request GET /slow', 'finish 200, 4 bytes'],
    ], '/slow started first but finished second. Each diary must hold only its own request\'s steps, in the order the requests ended (first and last line shown).');
    const slowDiary = recorder.diaries[1] ?? [];
    if (slowDiary.some((l) => l.includes('1999'))) throw new GradingError('✗ The /slow diary has lines of the /calendar/1999 request in it. Keep a separate list for each request.');
  });

  it('keeps two requests for the same path apart', async () => {
    const { site, recorder, slow } = server();
    const first = request(site, { uri: '/slow' });
    const second = request(site, { uri: '/slow' });
    slow.release();
    await Promise.all([first, second]);
    const one = ['request GET /slow', 'child "slow" → Slow (putChild)', 'arrived Slow, postpath []', 'render Slow.render_GET', 'finish 200, 4 bytes'];
    same(recorder.diaries, [one, one],
      'Two GET /slow were in flight at once. They share a method and a uri, yet each is its own request with its own diary: tell them apart by the request object.');
  });

  it('ends the diary of a request whose client left with "lost"', async () => {
    const { site, recorder, slow } = server();
    const req = makeRequest({ uri: '/slow' }, site);
    site.dispatch(req);
    (req.channel as MemoryChannel).loseConnection();
    if (slow.waiting.length !== 1) throw new GradingError('✗ The slow request should have been waiting when its client left.');
    same(recorder.diaries, [[
      'request GET /slow',
      'child "slow" → Slow (putChild)',
      'arrived Slow, postpath []',
      'render Slow.render_GET',
      'lost',
    ]], 'GET /slow was rendering (it answers later) when the client closed the connection: the Site calls lost, not finished.');
  });
});
