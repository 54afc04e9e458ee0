/// <reference path="../../../lib/rsx-env.d.ts" />
// This script makes a resource but never exports it as `resource`, so Loom cannot know
// what should answer. Visit it to see the page that says so, then add `export` below.
import { Resource } from '../../../lib/index.ts';

class Forgotten extends Resource {
  override isLeaf = true;

  render_GET(): string {
    return 'You will not see this until the resource is exported.\n';
  }
}

const resource = new Forgotten();
