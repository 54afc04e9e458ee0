/** The transcripts of graded tests (tools/grading/wire.ts): long bodies are shown with their middle left out. */
import { describe, expect, it } from 'vitest';
import { NOT_DONE_YET, Resource, type Request } from '../../lib/index.ts';
import { request } from '../../lib/testing.ts';
import { formatTrace } from '../../lib/trace.ts';
import { GradingError, clip, describeReturned, expectResponse, transcript, walkAsTraced } from '../../tools/grading/wire.ts';

describe('clip', () => {
  it('leaves a short body as it is', () => {
    expect(clip('one\ntwo')).toBe('one\ntwo');
  });

  it('shows the first 8 and last 2 lines of a long body, saying how much is left out', () => {
    const body = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');
    const shown = clip(body).split('\n');
    expect(shown).toHaveLength(11);
    expect(shown.slice(0, 2)).toEqual(['line 1', 'line 2']);
    expect(shown[8]).toMatch(/^… \(30 lines, \d+ characters, left out\)$/);
    expect(shown.slice(-2)).toEqual(['line 39', 'line 40']);
  });

  it('cuts a body of a few very long lines by characters', () => {
    const shown = clip('x'.repeat(5000));
    expect(shown).toBe(`${'x'.repeat(1200)}\n… (3800 more characters)`);
  });
});

describe('a transcript of a 404', () => {
  it('shows the walk through the tree and names the resource with no such child', async () => {
    const root = new Resource();
    root.putChild('page', new Resource());
    const response = await request(root, { uri: '/page/' });
    const text = transcript(response, ['expected status 200, got 404']);
    expect(text).toContain('The walk through the resource tree');
    expect(text).toContain('"page" Resource → Resource (putChild)');
    expect(text).toContain('The walk stopped at Resource: it has no child named "".');
  });

  it('does not blame the walk when a resource of the learner\'s, named like an error page, answers 404 itself', async () => {
    class ErrorPageForMissingUsers extends Resource {
      override isLeaf = true;
      render_GET(req: Request) {
        req.setResponseCode(404);
        return 'no such user';
      }
    }
    const root = new Resource();
    root.putChild('users', new ErrorPageForMissingUsers());
    const text = transcript(await request(root, { uri: '/users/nobody' }), ['expected status 200, got 404']);
    expect(text).toContain('ErrorPageForMissingUsers');
    expect(text).not.toContain('The walk stopped at');
  });

  it('says nothing of a walk for other statuses', async () => {
    const leaf = new (class extends Resource { override isLeaf = true; render_GET() { return 'hi'; } })();
    expect(transcript(await request(leaf, { uri: '/' }), [])).not.toContain('The walk');
  });
});

describe('expectResponse and the reason phrase', () => {
  /** A leaf that answers with `code` and, when given, a reason phrase of its own. */
  const answering = (code: number, reason?: string) => new (class extends Resource {
    override isLeaf = true;
    render_GET(req: Request) {
      req.setResponseCode(code, reason);
      return '';
    }
  })();

  it('passes when the reason phrase is the one expected', async () => {
    const response = await request(answering(410), { uri: '/' });
    expect(() => expectResponse(response, { code: 410, message: 'Gone' })).not.toThrow();
  });

  it('reports a different reason phrase the way it reports a different status, under the transcript', async () => {
    const response = await request(answering(410, 'Gone for good'), { uri: '/' });
    const check = () => expectResponse(response, { code: 410, message: 'Gone' });
    expect(check).toThrow(GradingError);
    expect(check).toThrow('  < HTTP/1.1 410 Gone for good');
    expect(check).toThrow('✗ expected reason phrase "Gone", got "Gone for good"');
    expect(check).not.toThrow('expected status');
  });
});

describe('walkAsTraced', () => {
  it('names the lesson whose --trace prints the walk, and indents the walk under it', async () => {
    const root = new Resource();
    root.putChild('page', new (class extends Resource { override isLeaf = true; render_GET() { return 'hi'; } })());
    const trace = (await request(root, { uri: '/page' })).trace ?? [];
    const lines = walkAsTraced(trace, '03').split('\n');
    expect(lines[0]).toBe('the walk, as npm run lesson 03 -- --trace prints it:');
    expect(lines.slice(1)).toEqual(formatTrace(trace).split('\n').map((line) => `    ${line}`));
    expect(lines.length).toBeGreaterThan(1);
  });
});

describe('describeReturned', () => {
  it('names a Promise, quotes the start of a string, and prints a symbol or anything else as it is', () => {
    expect(describeReturned(Promise.resolve('page'))).toBe('a Promise');
    expect(describeReturned(`<html>${'x'.repeat(100)}`)).toBe(`the string ${JSON.stringify(`<html>${'x'.repeat(34)}`)}`);
    expect(describeReturned(NOT_DONE_YET)).toBe(String(NOT_DONE_YET));
    expect(describeReturned(NOT_DONE_YET)).toMatch(/^Symbol\(/);
    expect(describeReturned(undefined)).toBe('undefined');
  });
});
