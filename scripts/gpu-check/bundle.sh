#!/usr/bin/env bash
# Bundles the app (mnist-tui.js), gpu-check (gpu-check.js), the training worker both start
# (train-worker.js) and the child process with which `auto` probes WebGPU (auto-probe-child.js) into
# OUT_DIR, with the files they open beside them at run time: the wasm binaries of
# tfjs-backend-wasm, our SIMD kernels' binaries and package.json marking the .js files as ES
# modules. Dawn's
# binary (dist/<platform>-<arch>/dawn.node) is left to the caller: it is 20 MB per platform.
# Usage: scripts/gpu-check/bundle.sh [OUT_DIR]   (default dist/bundle)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-dist/bundle}"

# The SIMD kernels' binaries (dist/src/ml/simd/*.wasm) travel beside the bundle; esbuild does
# not type-check, and gpu-check's entry is compiled by nothing else.
node scripts/build-wasm.mjs
npx tsc --noEmit -p scripts/gpu-check/tsconfig.json

# Bundled CommonJS packages (tfjs, Dawn's loader) expect require and __dirname, which ES
# modules lack; __dirname must be the bundle's folder, where the wasm files and Dawn lie. An ES
# module is strict, so sixel's copy of UPNG.js, which assigns an undeclared UPNG, needs it declared.
banner="import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
const require = __createRequire(import.meta.url);
const __filename = __fileURLToPath(import.meta.url);
const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));
var UPNG;"

rm -rf "$out"
# --ignore-annotations: the tfjs packages mark their node bundles side-effect free, yet importing
# them is what registers backends and kernels. Ink imports its devtools (and react-devtools-core)
# only in its dev mode; left out of the bundle, that import fails there alone.
npx esbuild \
  mnist-tui=src/cli.tsx \
  gpu-check=scripts/gpu-check/main.ts \
  train-worker=src/ml/engine/train-worker.ts \
  auto-probe-child=src/ml/auto-probe-child.ts \
  --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --ignore-annotations --external:./devtools.js \
  --banner:js="$banner" --outdir="$out"

cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
cp dist/src/ml/simd/*.wasm "$out/"
# The version is what `mnist-tui --version` prints; the type makes train-worker.js an ES module.
node -e 'const { name, version } = require("./package.json");
console.log(JSON.stringify({ name, version, type: "module" }))' >"$out/package.json"
echo "bundled into $out: $(cd "$out" && ls | tr '\n' ' ')"
