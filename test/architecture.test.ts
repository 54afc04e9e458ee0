/**
 * The shape of lib/: its layers, its import graph, and the doors between modules.
 *
 * Reads every lib/ module's imports with the TypeScript parser (so an import in a
 * comment or a string is not one) and holds the rules docs/guide/architecture.md draws:
 * - no import cycles, type-only imports included: a type cycle is still two files that
 *   cannot be read, or moved, one without the other. There are no exceptions;
 * - the layers only look down: the plumbing imports nothing above it, and neither the
 *   plumbing nor the core imports a feature;
 * - a module's insides are shared through lib/plumbing/symbols.ts, never an `@internal`
 *   public member, and nothing a resource can reach opens one of those doors;
 * - no `// ---- section ----` banners (a file with sections is two files), and no file
 *   over ~400 lines unless its top comment says why;
 * - every `Tests:` pointer and `Lesson NN` in a top comment names something that exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as publicFace from '../lib/index.ts';
import { FinishNotice } from '../lib/finish-notice.ts';
import { ThreadPool } from '../lib/gateway/pool.ts';
import { Resource } from '../lib/resource.ts';
import { Site } from '../lib/site.ts';
import { makeRequest } from '../lib/testing.ts';

const ROOT = join(import.meta.dirname, '..');
const LIB = join(ROOT, 'lib');

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Every .ts module of lib/, as a path relative to lib/ (`static/file.ts`). */
function libModules(dir = LIB): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return libModules(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative(LIB, path).split('\\').join('/')] : [];
  });
}

/** The relative imports and re-exports of one module, each marked type-only or not. */
function importsOf(module: string): Edge[] {
  const text = readFileSync(join(LIB, module), 'utf8');
  const source = ts.createSourceFile(module, text, ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    if (!specifier.startsWith('.')) return;
    edges.push({ from: module, to: posix.normalize(posix.join(posix.dirname(module), specifier)), typeOnly });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      add(statement.moduleSpecifier.text, isTypeOnlyImport(statement));
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
      add(statement.moduleSpecifier.text, statement.isTypeOnly);
    }
  }
  // import('./x.ts') at run time counts too.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg !== undefined && ts.isStringLiteral(arg)) add(arg.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function isTypeOnlyImport(statement: ts.ImportDeclaration): boolean {
  const clause = statement.importClause;
  if (clause === undefined) return false; // `import './x.ts'` runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** The cycles of the graph: Tarjan's strongly connected components with more than one module (or a self-import). */
function cyclesOf(modules: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(modules.map((m) => [m, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!next.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const m of modules) if (!index.has(m)) connect(m);
  return found;
}

// The layers, lowest first. A module may import from its own layer and the layers below.
// The CLI (app/) is the top: it may load any of Loom's exports by name (`--processor .php=PHPScript`).
const LAYERS = ['base', 'plumbing', 'core', 'feature', 'public', 'app'] as const;
type Layer = (typeof LAYERS)[number];

// The core is Twisted's `twisted.web.server` and `resource`: what every request goes
// through. Sessions belong to it because the Site owns the store and Request.getSession
// reads it (Twisted keeps `Session` in server.py too).
const CORE = new Set([
  'resource.ts', 'iweb.ts', 'request.ts', 'finish-notice.ts', 'site.ts', 'render.ts', 'pages.ts',
  'trace.ts', 'access-log.ts', 'clock.ts', 'logger.ts', 'http-server.ts', 'timeouts.ts',
]);

function layerOf(module: string): Layer {
  if (module === 'errors.ts') return 'base'; // every layer throws LoomError
  if (module.startsWith('plumbing/')) return 'plumbing';
  if (CORE.has(module) || module.startsWith('session/')) return 'core';
  if (module.startsWith('app/')) return 'app';
  if (module === 'index.ts' || module === 'testing.ts') return 'public';
  return 'feature';
}

const modules = libModules();
const edges = modules.flatMap(importsOf);

describe('the import graph of lib/', () => {
  it('reads a graph of the size lib/ has (the parser found the imports)', () => {
    expect(modules.length).toBeGreaterThan(60);
    expect(edges.length).toBeGreaterThan(modules.length);
    expect(edges).toContainEqual({ from: 'site.ts', to: 'request.ts', typeOnly: false });
    expect(edges).toContainEqual({ from: 'pages.ts', to: 'iweb.ts', typeOnly: true });
  });

  it('points every relative import at a module that exists', () => {
    const missing = edges.filter((e) => !existsSync(join(LIB, e.to))).map((e) => `${e.from} → ${e.to}`);
    expect(missing).toEqual([]);
  });

  it('has no cycles, type-only imports included', () => {
    const cycles = cyclesOf(modules, edges).map((c) => {
      const inCycle = new Set(c);
      return edges.filter((e) => inCycle.has(e.from) && inCycle.has(e.to)).map((e) => `${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`);
    });
    expect(cycles).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const fake: Edge[] = [{ from: 'a.ts', to: 'b.ts', typeOnly: true }, { from: 'b.ts', to: 'a.ts', typeOnly: false }, { from: 'b.ts', to: 'c.ts', typeOnly: false }];
    expect(cyclesOf(['a.ts', 'b.ts', 'c.ts'], fake)).toEqual([['a.ts', 'b.ts']]);
  });

  it('only imports downwards: plumbing and core never import a feature, only the CLI imports the public face', () => {
    const upward = edges
      .filter((e) => LAYERS.indexOf(layerOf(e.to)) > LAYERS.indexOf(layerOf(e.from)))
      .map((e) => `${e.from} (${layerOf(e.from)}) → ${e.to} (${layerOf(e.to)})`);
    expect(upward).toEqual([]);
  });

  it('keeps the tracer an observer: trace.ts imports nothing of the core', () => {
    expect(edges.filter((e) => e.from === 'trace.ts' && layerOf(e.to) !== 'base' && layerOf(e.to) !== 'plumbing')).toEqual([]);
  });

  it('lets Request depend on its owner interface, not on the Site', () => {
    expect(edges.filter((e) => e.from === 'request.ts' && e.to === 'site.ts')).toEqual([]);
  });
});

describe('the doors between modules', () => {
  it('has no @internal members: internals are shared through lib/plumbing/symbols.ts', () => {
    const tagged = modules.filter((m) => /@internal\b/.test(readFileSync(join(LIB, m), 'utf8')));
    expect(tagged).toEqual([]);
  });

  it('does not let a resource settle its own finish notice', () => {
    const notice = makeRequest({}).notifyFinish();
    expect(notice).toBeInstanceOf(FinishNotice);
    expect('resolve' in notice).toBe(false);
    expect('reject' in notice).toBe(false);
    expect(Object.getOwnPropertyNames(FinishNotice.prototype).sort()).toEqual(['catch', 'constructor', 'then']);
  });

  it('does not let a resource report a request finished to the Site', () => {
    const site = new Site(new Resource());
    expect('requestFinished' in site).toBe(false);
    const methods = Object.getOwnPropertyNames(Site.prototype).filter((n) => n !== 'constructor').sort();
    expect(methods).toEqual(['close', 'dispatch', 'getResourceFor', 'listen', 'makeSession']);
  });

  it('does not let a resource tell a ThreadPool a worker is free, dead or unqueued', () => {
    const pool = new ThreadPool();
    for (const door of ['slotDied', 'slotFree', 'unqueue']) expect(door in pool, door).toBe(false);
    const methods = Object.getOwnPropertyNames(ThreadPool.prototype).filter((n) => n !== 'constructor').sort();
    expect(methods).toEqual(['dispatch', 'queued', 'ready', 'readyThreads', 'start', 'started', 'stop', 'threads']);
  });

  it('exports no internal symbol from the public face, and package.json exports nothing deeper', () => {
    const symbols = Object.entries(publicFace).filter(([, value]) => typeof value === 'symbol').map(([name]) => name).sort();
    expect(symbols).toEqual(['ANONYMOUS', 'CACHED', 'NOT_DONE_YET']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(Object.values(pkg.exports).filter((target) => target.includes('plumbing'))).toEqual([]);
  });
});

describe('the files of lib/', () => {
  const TOO_LONG = 400;

  it('has no "// ---- section ----" banners', () => {
    const banners = modules.flatMap((m) => readFileSync(join(LIB, m), 'utf8').split('\n')
      .map((line, i) => (/^\s*\/\/\s*-{3,}/.test(line) ? `${m}:${i + 1}` : null)).filter((x) => x !== null));
    expect(banners).toEqual([]);
  });

  it(`keeps each file under ~${TOO_LONG} lines, or says in its top comment why it is longer`, () => {
    const long = modules.filter((m) => {
      const text = readFileSync(join(LIB, m), 'utf8');
      return text.split('\n').length > TOO_LONG * 1.1 && !/Why this file is long:/.test(topComment(text));
    });
    expect(long).toEqual([]);
  });

  it('opens each file with a top comment whose Tests: pointers, and whose comments\' Lesson pointers, name what exists', () => {
    const lessons = new Set(readdirSync(join(ROOT, 'lessons')).map((d) => d.slice(0, 2)).filter((n) => /^\d\d$/.test(n)));
    const broken: string[] = [];
    for (const m of modules) {
      const comment = topComment(readFileSync(join(LIB, m), 'utf8'));
      if (comment === '') {
        broken.push(`${m}: no top comment`);
        continue;
      }
      for (const test of pointedTests(comment)) if (!existsSync(join(ROOT, test))) broken.push(`${m}: Tests: ${test} does not exist`);
      for (const pointer of lessonPointers(commentsOf(readFileSync(join(LIB, m), 'utf8')))) {
        if (!lessons.has(pointer.number) && !pointer.saysUnwritten) broken.push(`${m}: lesson ${pointer.number} is not written; say "(not written yet)"`);
        if (lessons.has(pointer.number) && pointer.saysUnwritten) broken.push(`${m}: lesson ${pointer.number} is written now; drop "not written yet"`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the architecture guide', () => {
  it('draws the tree of lib/ as it is (docs/guide/architecture.md, under its tree comment)', () => {
    const guide = readFileSync(join(ROOT, 'docs/guide/architecture.md'), 'utf8');
    const block = /<!-- the tree of lib\/: test\/architecture.test.ts checks it -->\n```text\n([\s\S]*?)\n```/.exec(guide);
    expect(block, 'the guide has a tree block').not.toBeNull();
    const drawn = treePaths(block![1]!);
    const actual = libFiles().sort();
    expect({ missing: actual.filter((f) => !drawn.includes(f)), gone: drawn.filter((f) => !actual.includes(f)) }).toEqual({ missing: [], gone: [] });
  });
});

/** Every file below lib/, not just modules (the worker's boot.mjs, rsx-env.d.ts). */
function libFiles(dir = LIB): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? libFiles(path) : [relative(LIB, path).split('\\').join('/')];
  });
}

/** The file paths an indented tree names: two spaces a level, `name/` a folder, `# …` a note. */
function treePaths(tree: string): string[] {
  const folders: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n').slice(1)) {
    const depth = (line.length - line.trimStart().length) / 2 - 1;
    const name = line.trim().split(/\s+#/)[0]!.trim();
    if (name === '') continue;
    folders.length = depth;
    if (name.endsWith('/')) folders.push(name.slice(0, -1));
    else paths.push([...folders, name].join('/'));
  }
  return paths.sort();
}

/** The file's opening `/** … *\/` comment, or '' when it has none. */
function topComment(text: string): string {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  return match === null ? '' : match[1]!;
}

/** The text of every comment line of a file (`//`, and the lines of `/** … *\/`), markers dropped, as one line. */
function commentsOf(text: string): string {
  return text.split('\n').filter((line) => /^\s*(\/\/|\/\*|\*)/.test(line))
    .map((line) => line.replace(/^\s*(\/\*\*?|\*\/|\*|\/\/)\s?/, '')).join(' ');
}

/**
 * Each "Lesson NN" (or "lessons NN–MM", "lesson NN and MM") in a comment, and
 * whether the words right after it say the lesson is not written yet.
 */
function lessonPointers(comment: string): { number: string; saysUnwritten: boolean }[] {
  const flat = comment.replace(/\s*\n\s*\*\s*/g, ' ');
  return [...flat.matchAll(/\blessons? (\d\d)(?:\s*(?:–|-|and|,)\s*(\d\d))?([^.;]{0,60})/gi)].flatMap((m) => {
    const saysUnwritten = /not written yet/.test(m[3]!);
    return [m[1]!, m[2]].filter((n) => n !== undefined).map((number) => ({ number, saysUnwritten }));
  });
}

/** The `test/…` paths named after `Tests:` in a top comment. */
function pointedTests(comment: string): string[] {
  const at = comment.indexOf('Tests:');
  if (at < 0) return [];
  const tail = comment.slice(at, comment.indexOf('.\n', at) < 0 ? undefined : comment.indexOf('.\n', at) + 1);
  return [...tail.matchAll(/`(test\/[^`]+)`/g)].map((m) => m[1]!);
}
