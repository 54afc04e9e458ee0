/**
 * Reference solution for exercise 11 (a page that waits for two slow sources).
 * See exercises/11-asynchronous-promises/dashboard.ts for the task.
 */
import { Resource, escapeHTML, type Request } from '../../lib/index.ts';

/** Where the dashboard's data comes from. */
export interface Sources {
  weather(): Promise<string>;
  headline(): Promise<string>;
}

export class Dashboard extends Resource {
  override isLeaf = true;
  readonly sources: Sources;

  constructor(sources: Sources) {
    super();
    this.sources = sources;
  }

  async render_GET(_request: Request): Promise<string> {
    // Both start now; awaiting them one after the other would add their delays up.
    const [weather, headline] = await Promise.all([this.sources.weather(), this.sources.headline()]);
    return `<html><body><p>Weather: ${escapeHTML(weather)}</p><p>News: ${escapeHTML(headline)}</p></body></html>`;
  }
}
