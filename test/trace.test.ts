import { describe, expect, it } from 'vitest';
import { Resource, type IResource } from '../lib/resource.ts';
import { Site } from '../lib/site.ts';
import { EventTracer, describeResource, formatTrace, type TraceEvent } from '../lib/trace.ts';
import { notFound } from '../lib/pages.ts';
import { request } from '../lib/testing.ts';

class Year extends Resource {
  override isLeaf = true;
  render_GET() {
    return 'year';
  }
}

class Calendar extends Resource {
  override getChild(name: string): IResource {
    return /^\d+$/.test(name) ? new Year() : notFound();
  }
}

async function trace(uri: string): Promise<readonly TraceEvent[]> {
  const root = new Resource();
  root.putChild('calendar', new Calendar());
  let events: readonly TraceEvent[] = [];
  await request(new Site(root, { tracer: new EventTracer((e) => (events = e)) }), { uri });
  return events;
}

describe('EventTracer', () => {
  it('tells static children from dynamic ones and shows prepath/postpath after each step', async () => {
    const events = await trace('/calendar/2009/extra');
    expect(events.filter((e) => e.kind === 'child')).toEqual([
      { kind: 'child', segment: 'calendar', parent: 'Resource', child: 'Calendar', dispatch: 'static', prepath: ['calendar'], postpath: ['2009', 'extra'] },
      { kind: 'child', segment: '2009', parent: 'Calendar', child: 'Year', dispatch: 'dynamic', prepath: ['calendar', '2009'], postpath: ['extra'] },
    ]);
    expect(events.find((e) => e.kind === 'leaf')).toEqual({ kind: 'leaf', resource: 'Year', postpath: ['extra'] });
  });

  it('names error pages with their status and reports the final status and size', async () => {
    const events = await trace('/calendar/abc');
    expect(events.find((e) => e.kind === 'render')).toEqual({ kind: 'render', resource: 'ErrorPage(404)', method: 'render' });
    expect(events.at(-1)).toMatchObject({ kind: 'finish', code: 404 });
  });
});

describe('describeResource', () => {
  it('uses the class name', () => {
    expect(describeResource(new Year())).toBe('Year');
  });
});

describe('formatTrace', () => {
  it('prints a readable walk, without colours unless asked', async () => {
    const text = formatTrace(await trace('/calendar/2009/extra'));
    expect(text).toContain('GET /calendar/2009/extra');
    expect(text).toContain('"2009" Calendar → Year (getChild)  prepath=["calendar", "2009"] postpath=["extra"]');
    expect(text).toContain('leaf: Year.isLeaf stopped the walk');
    expect(text).toContain('render: Year.render_GET()');
    expect(text).toMatch(/200 4 bytes/);
    expect(text).not.toContain('\x1b[');
    expect(formatTrace(await trace('/calendar/2009'), { color: true })).toContain('\x1b[');
  });
});
