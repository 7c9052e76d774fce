/**
 * Checks the published package as a user gets it: `npm pack` (whose prepack step builds),
 * the tarball installed into an empty folder, then there `mnist-tui eval --json` must report
 * the shipped pretrained models with their shipped metrics, and the app must start in a
 * pseudo-terminal (through `script`) and draw the latent map of the pretrained VAE. It
 * installs every dependency and evaluates both models on the whole test set, which takes
 * minutes rather than seconds, so .ci/run calls it apart from the suite (`npm test`).
 *
 * Usage: node scripts/check-pack.mjs   (needs the npm registry or a warm npm cache, and `script`)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'mnist-tui-pack-'));
/** The app must have drawn its map by then, on two busy cores. */
const APP_TIMEOUT_MS = 60_000;

function fail(message) {
  console.error(`check-pack: ${message}`);
  process.exitCode = 1;
}

/** Runs the packed app in `folder` in a pseudo-terminal until the explorer shows the pretrained VAE's whole map. */
function appShowsTheMap(folder, bin) {
  const env = { ...process.env, TERM: 'xterm-256color', MNIST_TUI_GRAPHICS: 'blocks' };
  // Ink draws nothing live when it believes it runs in CI.
  delete env.CI;
  delete env.MNIST_TUI_NO_PRETRAINED;
  const command = `stty cols 100 rows 30; exec ${bin}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: folder, env, stdio: 'pipe' });
  let output = '';
  const text = () => output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve(`no map after ${APP_TIMEOUT_MS / 1000} s; the screen held:\n${text().slice(-2000)}`);
    }, APP_TIMEOUT_MS);
    let asked = false;
    let quitting = false;
    // The app may close its input as it quits; the exit code below says how it ended.
    child.stdin.on('error', (error) => console.log(`check-pack: the app's input closed: ${error.code}`));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!asked && text().includes('[1 Models]')) {
        asked = true;
        child.stdin.write('3');
      }
      if (!quitting && /10,000 test images by digit · pretrained/.test(text())) {
        quitting = true;
        clearTimeout(timer);
        child.stdin.write('q');
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(/test images by digit · pretrained/.test(text()) && code === 0 ? undefined : `app exit code ${code}`);
    });
  });
}

try {
  console.log('npm pack…');
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  const files = packed[0].files.map((f) => f.path);
  const tarball = path.join(work, packed[0].filename);
  for (const needed of ['dist/src/cli.js', 'dist/src/ml/simd/gemm.wasm', 'pretrained/cnn/metadata.json']) {
    if (!files.includes(needed)) fail(`the package lacks ${needed}`);
  }
  const stray = files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/') || f.startsWith('src/'));
  if (stray.length > 0) fail(`the package carries what only a clone needs: ${stray.slice(0, 3).join(', ')}…`);
  console.log(`${packed[0].filename}: ${files.length} files, ${(packed[0].size / 1e6).toFixed(1)} MB`);

  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{"name":"check-pack","private":true}\n');
  console.log('npm install the tarball into an empty folder…');
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    stdio: 'inherit',
  });

  console.log('npx mnist-tui eval --json…');
  const env = { ...process.env };
  delete env.MNIST_TUI_NO_PRETRAINED;
  const [report] = execFileSync('npx', ['mnist-tui', 'eval', '--json'], { cwd: app, env, encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const installed = path.join(app, 'node_modules', 'mnist-tui', 'pretrained');
  const shipped = (model) => JSON.parse(readFileSync(path.join(installed, model, 'metadata.json'), 'utf8')).metrics;
  if (report.models?.cnn !== 'pretrained' || report.models?.vae !== 'pretrained') {
    fail(`eval did not use the pretrained models: ${JSON.stringify(report.models)}`);
  }
  if (Math.abs(report.cnn?.testAccuracy - shipped('cnn').testAccuracy) > 1e-6) fail('the CNN accuracy differs');
  if (Math.abs(report.vae?.testNegElbo - shipped('vae').testNegElbo) > 1e-6) fail('the VAE -ELBO differs');
  console.log(`eval: ${JSON.stringify(report)}`);

  console.log('the app in a pseudo-terminal…');
  const problem = await appShowsTheMap(app, path.join(app, 'node_modules', '.bin', 'mnist-tui'));
  if (problem !== undefined) fail(problem);
  if (process.exitCode !== 1) console.log('check-pack: the packed app works on its pretrained models');
} finally {
  rmSync(work, { recursive: true, force: true });
}
