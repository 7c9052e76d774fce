/**
 * README's Layout section is the map a new contributor reads first; this keeps it the map of the
 * tree. Every folder of the project (and every folder under src/, at any depth) has its line,
 * and every path the section names exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/** The repository root: this file runs from dist/test. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Top-level folders that are not the project's own source: tools' output and data. */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'models', '.git']);

/** The paths named at the start of each line of the Layout section's text block. */
function layoutPaths(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Layout$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README has a "## Layout" section');
  const block = section.match(/```text\n([\s\S]*?)```/)?.[1];
  assert.ok(block, 'the Layout section holds a text block');
  return block
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((first) => first !== undefined && first !== '');
}

/** Folders under `dir`, as paths relative to the root, at every depth. */
function foldersUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const rel = path.posix.join(dir, entry.name);
      return [rel, ...foldersUnder(rel)];
    });
}

describe("README's Layout section", () => {
  it('names every folder of the project and every folder under src/', () => {
    const named = new Set(layoutPaths().map((p) => p.replace(/\/$/, '')));
    const topLevel = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !NOT_SOURCE.has(entry.name))
      .map((entry) => entry.name);
    // A top-level folder is mapped by its own line or by lines for what it holds (src/…).
    const mapped = (folder: string) => named.has(folder) || [...named].some((p) => p.startsWith(`${folder}/`));
    const missing = [
      ...topLevel.filter((folder) => !mapped(folder)),
      ...foldersUnder('src').filter((f) => !named.has(f)),
    ];
    assert.deepEqual(missing, [], 'folders without a line in README');
  });

  it('names only paths that exist', () => {
    const absent = layoutPaths().filter((p) => !existsSync(path.join(ROOT, p)));
    assert.deepEqual(absent, [], 'lines naming no file or folder');
  });
});
