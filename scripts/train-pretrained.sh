#!/usr/bin/env bash
# Retrains the models shipped in pretrained/: the default CNN and VAE, trained as
# `mnist-tui train all --seed 42` trains them (the default epochs, batch size and backend) on
# the bundled MNIST, with the VAE's encodings of the test set for the app's latent map. Both
# train into a temporary folder beside pretrained/; only once both have completed every epoch
# and the encodings are written is pretrained/ swapped for the new folder, by two renames, so
# a failed or interrupted run leaves the shipped models as they were.
#
# Usage: scripts/train-pretrained.sh [train flags]   (npm run train-pretrained)
#   Extra flags go to `mnist-tui train all`: --workers N changes nothing but the time taken.
#   PRETRAINED_TARGET=DIR writes DIR instead of pretrained/ (a trial run with --epochs 1
#   --limit 500, say, which must not replace the shipped models).
# Training takes about 8 minutes on two idle cores; run it under `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${PRETRAINED_TARGET:-pretrained}
npm run build --silent

# Beside the target, so the final rename stays on one file system.
staging=$(mktemp -d "$(dirname "$target")/.pretrained-new-XXXXXX")
trap 'rm -rf "$staging"' EXIT
models="$staging/models"

# The shipped models must not stand in while these train or are checked.
export MNIST_TUI_NO_PRETRAINED=1
node dist/src/cli.js train all --seed 42 --models-dir "$models" "$@"

# Completed, not interrupted: every planned epoch saved, with the seed asked for.
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  for (const model of ["cnn", "vae"]) {
    const m = JSON.parse(readFileSync(`${process.argv[1]}/${model}/metadata.json`, "utf8"));
    if (m.epochs !== m.epochsPlanned || m.seed !== 42) {
      console.error(`${model}: ${m.epochs}/${m.epochsPlanned} epochs, seed ${m.seed}: not a complete run`);
      process.exit(1);
    }
    console.log(`${model}: ${m.epochs} epochs, metrics ${JSON.stringify(m.metrics)}`);
  }
' "$models"

node scripts/pretrained-encodings.mjs "$models/vae"

fresh="$staging/pretrained"
mkdir "$fresh"
mv "$models/cnn" "$models/vae" "$fresh/"
if [ -f pretrained/README.md ]; then cp pretrained/README.md "$fresh/"; fi
if [ -e "$target" ]; then mv "$target" "$staging/old"; fi
mv "$fresh" "$target"
echo "Wrote $target"
