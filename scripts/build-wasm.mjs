/**
 * Assembles the SIMD modules in src/ml/simd into binaries beside tsc's output of their loader,
 * dist/src/ml/simd/<name>.wasm, which the loader reads at run time. A module is written either
 * as WAT text (`name.wat`) or as a script whose default export returns it (`name.wat.mjs`), for
 * kernels whose unrolled tiles are better generated than typed. Nothing is generated inside
 * src, so `tsc` type-checks a fresh clone; scripts/gpu-check/bundle.sh copies the binaries
 * beside the bundle, where the same relative path finds them.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import initWabt from 'wabt';

const dir = fileURLToPath(new URL('../src/ml/simd/', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/src/ml/simd/', import.meta.url));
const wabt = await initWabt();

/** The WAT text of the module in file `name`, or undefined if `name` is no module source. */
async function watOf(name) {
  const path = join(dir, name);
  if (name.endsWith('.wat')) return readFileSync(path, 'utf8');
  if (name.endsWith('.wat.mjs')) return (await import(pathToFileURL(path).href)).default();
  return undefined;
}

mkdirSync(outDir, { recursive: true });
for (const name of readdirSync(dir).sort()) {
  const text = await watOf(name);
  if (text === undefined) continue;
  const module = wabt.parseWat(name, text, { simd: true });
  try {
    module.validate();
    const { buffer } = module.toBinary({});
    const target = join(outDir, `${name.replace(/\.wat(\.mjs)?$/, '')}.wasm`);
    // A per-process temporary name: concurrent builds must not rename each other's half-written file.
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, buffer);
    renameSync(temporary, target);
  } finally {
    module.destroy();
  }
}
