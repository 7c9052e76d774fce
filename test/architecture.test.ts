/**
 * The layering the README promises, checked on the source: no import cycles
 * between files or between folders, the layers in order (data → ml →
 * ui/commands → cli), and tests and benches independent of scripts/. The
 * imports are read with TypeScript's own pre-processor, so `import type`,
 * `export … from` and dynamic `import()` all count.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';

/** The repository root: this file runs from dist/test. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Graph = Map<string, Set<string>>;

/** TypeScript sources under `dir`, as paths relative to the root. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The file a relative specifier names: `./x.js` is compiled from `./x.ts` or `./x.tsx`. */
function resolve(from: string, specifier: string): string {
  const target = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), target];
  const found = candidates.find((file) => existsSync(path.join(ROOT, file)));
  assert.ok(found, `${from} imports ${specifier}, which is no file`);
  return found;
}

/** Every relative import of each file under `dirs`, resolved to a file. */
function importGraph(dirs: string[]): Graph {
  const graph: Graph = new Map();
  for (const file of dirs.flatMap(sources)) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets = importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.'));
    graph.set(file, new Set(targets.map((name) => resolve(file, name))));
  }
  return graph;
}

/** The graph with each node replaced by `unit(node)`; edges inside one unit are dropped. */
function collapse(graph: Graph, unit: (file: string) => string): Graph {
  const out: Graph = new Map();
  for (const [from, targets] of graph) {
    const edges = out.get(unit(from)) ?? new Set<string>();
    for (const to of targets) if (unit(to) !== unit(from)) edges.add(unit(to));
    out.set(unit(from), edges);
  }
  return out;
}

/**
 * The cycles of `graph`, one per strongly connected component of more than
 * one node (or a node importing itself), each as a path that returns to its start.
 */
function findCycles(graph: Graph): string[][] {
  // Tarjan's algorithm, iterative over nodes; the graphs here are a few hundred nodes.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleWithin(graph, new Set(component)));
}

/** One concrete cycle inside a strongly connected `component`, for the failure message. */
function cycleWithin(graph: Graph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const seen = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(seen.get(path[0]!)!);
        return [...path, start];
      }
      if (!seen.has(next)) {
        seen.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/** Every folder under `dir`, `dir` included. */
function folders(dir: string): string[] {
  const children = readdirSync(path.join(ROOT, dir), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [dir, ...children.flatMap((entry) => folders(path.posix.join(dir, entry.name)))];
}

/**
 * The imports among the entries of `dir`, each entry a file directly in it or
 * a subfolder standing for everything inside; files outside `dir` are left out.
 */
function entriesOf(graph: Graph, dir: string): Graph {
  const entry = (file: string) => {
    const rel = path.posix.relative(dir, file);
    return rel.startsWith('..') ? undefined : path.posix.join(dir, rel.split('/')[0]!);
  };
  const inside = new Map([...graph].filter(([file]) => entry(file) !== undefined));
  const narrowed: Graph = new Map(
    [...inside].map(([file, targets]) => [file, new Set([...targets].filter((to) => entry(to) !== undefined))]),
  );
  return collapse(narrowed, (file) => entry(file)!);
}

/** The top-level part of src/ a file belongs to: `data`, `ml`, `ui`, … or `config.ts`, `cli.tsx`. */
function layerOf(file: string): string {
  return path.posix.relative('src', file).split('/')[0]!;
}

/** The names `file` exports itself or re-exports by name; `export *` would hide them, so it counts as an error. */
function exportedNames(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      assert.ok(statement.exportClause && ts.isNamedExports(statement.exportClause), `${file}: export * hides names`);
      names.push(...statement.exportClause.elements.map((element) => element.name.text));
    } else if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) names.push(declaration.name.getText(source));
      } else {
        const name = (statement as ts.DeclarationStatement).name;
        if (name) names.push(name.getText(source));
      }
    }
  }
  return names;
}

/** Stands for a use that may reach any export: a namespace import, `export *`, an `import()` kept whole. */
const ALL = '*';

/**
 * For each module that `file` imports, the names it takes from it: through
 * `import { a }`, `export { a } from`, `(await import(…)).a`, `const { a } = await
 * import(…)` and `import('…').a` in types. Where the module is kept whole (`import * as m`,
 * `const m = await import(…)`), every identifier in the file counts, which errs towards "used".
 */
function importedNames(file: string): Map<string, Set<string>> {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const identifiers = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) identifiers.add(node.text);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const uses = new Map<string, Set<string>>();
  const use = (specifier: ts.Node | undefined, names: string[]) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    const target = resolve(file, specifier.text);
    const set = uses.get(target) ?? new Set<string>();
    for (const name of names) (name === ALL ? identifiers : [name]).forEach((n) => set.add(n));
    uses.set(target, set);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        use(
          node.moduleSpecifier,
          bindings.elements.map((e) => (e.propertyName ?? e.name).text),
        );
      } else use(node.moduleSpecifier, node.importClause ? [ALL] : []);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      use(
        node.moduleSpecifier,
        clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : [ALL],
      );
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      let outer: ts.Node = node.parent;
      if (ts.isAwaitExpression(outer)) outer = outer.parent;
      if (ts.isParenthesizedExpression(outer) && ts.isPropertyAccessExpression(outer.parent)) {
        use(node.arguments[0], [outer.parent.name.text]);
      } else if (ts.isVariableDeclaration(outer) && ts.isObjectBindingPattern(outer.name)) {
        use(
          node.arguments[0],
          outer.name.elements.map((e) => (e.propertyName ?? e.name).getText(source)),
        );
      } else use(node.arguments[0], [ALL]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const qualifier = node.qualifier;
      const first = qualifier && (ts.isIdentifier(qualifier) ? qualifier : qualifier.left);
      // A bare `typeof import(…)` names no export; what is read from the module is counted where it is read.
      use(node.argument.literal, first && ts.isIdentifier(first) ? [first.text] : []);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/**
 * The names each folder's index.ts exports that no file outside that folder
 * (under src, test, bench or scripts) imports, as `folder/index.ts: name`.
 */
function unusedIndexExports(files: string[]): string[] {
  const users = new Map(files.map((file) => [file, importedNames(file)]));
  return files
    .filter((file) => path.posix.basename(file) === 'index.ts')
    .flatMap((index) => {
      const folder = path.posix.dirname(index) + '/';
      const taken = new Set<string>();
      for (const [file, uses] of users) if (!file.startsWith(folder)) uses.get(index)?.forEach((n) => taken.add(n));
      return exportedNames(index)
        .filter((name) => !taken.has(name))
        .map((name) => `${index}: ${name}`);
    });
}

/**
 * What each top-level part of src/ may import, lowest first. A part missing
 * here fails the test, so a new folder has to be placed in the order.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'config.ts': [],
  'errors.ts': [],
  data: ['errors.ts'],
  files: ['errors.ts'],
  images: ['data'],
  render: ['errors.ts'],
  ml: ['config.ts', 'errors.ts', 'data', 'files', 'images'],
  ui: ['config.ts', 'errors.ts', 'data', 'ml', 'render'],
  commands: ['config.ts', 'errors.ts', 'data', 'files', 'images', 'ml', 'render'],
  'cli.tsx': ['config.ts', 'errors.ts', 'commands', 'ml', 'ui'],
};

const describeEdges = (edges: [string, string][]) => edges.map(([from, to]) => `${from} → ${to}`).join('\n');

describe('architecture', () => {
  const src = importGraph(['src']);

  it('reads the imports it checks', () => {
    // A parser that saw nothing would pass every rule below.
    const edges = [...src.values()].reduce((sum, targets) => sum + targets.size, 0);
    assert.ok(src.size > 100 && edges > 300, `only ${src.size} files and ${edges} imports found`);
    assert.ok(src.get('src/commands/generate.ts')?.has('src/files/index.ts'), 'a static import');
    assert.ok(src.get('src/ui/state/app-state.ts')?.has('src/render/index.ts'), 'an import type');
    assert.ok(src.get('src/cli.tsx')?.has('src/ui/index.ts'), 'a dynamic import()');
  });

  it('finds a cycle when there is one, and none when there is not', () => {
    const graph = (edges: [string, string][]): Graph => {
      const g: Graph = new Map();
      for (const [from, to] of edges) {
        g.set(from, (g.get(from) ?? new Set()).add(to));
        if (!g.has(to)) g.set(to, new Set());
      }
      return g;
    };
    assert.deepEqual(
      findCycles(
        graph([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
          ['c', 'd'],
        ]),
      ),
      [['a', 'b', 'c', 'a']],
    );
    assert.deepEqual(findCycles(graph([['a', 'a']])), [['a', 'a']]);
    assert.deepEqual(
      findCycles(
        graph([
          ['a', 'b'],
          ['a', 'c'],
          ['b', 'd'],
          ['c', 'd'],
        ]),
      ),
      [],
    );
  });

  it('has no import cycle between files', () => {
    const cycles = findCycles(src);
    assert.deepEqual(cycles, [], cycles.map((cycle) => cycle.join(' → ')).join('\n'));
  });

  it('has no import cycle between folders', () => {
    // In each folder, its subfolders and loose files import one another one way only:
    // src/ui/views never imports src/ui/app when src/ui/app imports src/ui/views.
    const cycles = folders('src').flatMap((dir) => findCycles(entriesOf(src, dir)));
    assert.deepEqual(cycles, [], cycles.map((cycle) => cycle.join(' → ')).join('\n'));
  });

  it('keeps the layers in order: data → ml → ui/commands → cli', () => {
    const layers = collapse(src, layerOf);
    const unplaced = [...layers.keys()].filter((layer) => ALLOWED[layer] === undefined);
    assert.deepEqual(unplaced, [], 'every part of src/ has a place in the order');
    const wrong: [string, string][] = [...layers].flatMap(([from, targets]) =>
      [...targets].filter((to) => !ALLOWED[from]!.includes(to)).map((to): [string, string] => [from, to]),
    );
    assert.deepEqual(wrong, [], `imports against the order:\n${describeEdges(wrong)}`);
  });

  it('orders the folders of src/ui as src/ui/index.ts lists them, each importing only those listed before it', () => {
    const contents = readFileSync(path.join(ROOT, 'src/ui/index.ts'), 'utf8');
    const order = [...contents.matchAll(/^ \* - `(\w+)`/gm)].map((match) => `src/ui/${match[1]}`);
    const present = folders('src/ui').filter((dir) => path.posix.dirname(dir) === 'src/ui');
    assert.deepEqual([...order].sort(), present.sort(), 'the table of contents lists every folder of src/ui');
    const wrong: [string, string][] = [...entriesOf(src, 'src/ui')].flatMap(([from, targets]) =>
      [...targets]
        .filter((to) => order.includes(from) && order.indexOf(to) >= order.indexOf(from))
        .map((to): [string, string] => [from, to]),
    );
    assert.deepEqual(wrong, [], `imports against the listed order:\n${describeEdges(wrong)}`);
  });

  it('exports from each folder index only what some file outside the folder imports', () => {
    // An index is a folder's public face: a name no one outside takes is dead weight there.
    const files = ['src', 'test', 'bench', 'scripts'].flatMap(sources);
    const unused = unusedIndexExports(files);
    assert.deepEqual(unused, [], `exported but not imported from outside the folder:\n${unused.join('\n')}`);
  });

  it('loads no TensorFlow.js with the app before its first frame: the models come after it', () => {
    // A loader hook reports every module loaded: the CLI's own (run as `--version`, it stops
    // there), then the app's entry, which the CLI imports for the app; importing renders nothing.
    const hook = `export async function load(url, context, next) { process.stderr.write(url + '\\n'); return next(url, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hook))});`;
    const cli = pathToFileURL(path.join(ROOT, 'dist/src/cli.js')).href;
    const app = pathToFileURL(path.join(ROOT, 'dist/src/ui/index.js')).href;
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        `process.argv = [process.execPath, 'mnist-tui', '--version']; await import(${JSON.stringify(cli)}); await import(${JSON.stringify(app)});`,
      ],
      { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
    );
    assert.equal(result.status, 0, result.stderr);
    const loaded = result.stderr.split('\n');
    assert.ok(
      loaded.some((url) => url.includes('/node_modules/ink/')),
      'the hook saw the app load Ink',
    );
    assert.ok(
      loaded.some((url) => url.endsWith('/dist/src/commands/argv.js')),
      'the hook saw the CLI load its argument parser',
    );
    assert.deepEqual(
      loaded.filter((url) => url.includes('/@tensorflow/')),
      [],
    );
  });

  it('keeps tests and benches independent of scripts/', () => {
    const outside = importGraph(['test', 'bench']);
    const wrong: [string, string][] = [...outside].flatMap(([from, targets]) =>
      [...targets].filter((to) => to.startsWith('scripts/')).map((to): [string, string] => [from, to]),
    );
    assert.deepEqual(wrong, [], `imports from scripts/:\n${describeEdges(wrong)}`);
  });
});
