/// <reference path="../../../lib/rsx-env.d.ts" />
// A resource script: Loom runs this file for every request that reaches it, and answers
// with the resource it exports as `resource`. Change the text below and reload the page.
import { Resource, type Request } from '../../../lib/index.ts';

class ClockPage extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return `<!DOCTYPE html>\n<html><body>The time is ${new Date().toUTCString()}.</body></html>\n`;
  }
}

export const resource = new ClockPage();
