import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/ml/backend.js';
import {
  chooseAuto,
  GPU_MARGIN,
  softwareReason,
  startedWebGpu,
  type AdapterIdentity,
} from '../src/ml/backends/index.js';
import { autoGpuChoice } from '../src/ml/backends/auto-gpu.js';
import { gatherMachineFacts, machineKey, type MachineFacts } from '../src/ml/backends/machine-key.js';
import { probeMachine } from '../src/ml/backends/machine-probe.js';
import { probeCachePath, readProbe, writeProbe } from '../src/ml/backends/probe-cache.js';
import { vulkanLoaderPresent } from '../src/ml/backends/vulkan-loader.js';
import { removeTempDirs, writeMnistDir } from './fixtures/idx-fixtures.js';
import { jsonLines } from './helpers/cli.js';
import { runCliOnPipe } from './helpers/cli-pipe.js';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-auto-'));
  temps.push(dir);
  return dir;
};
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  removeTempDirs();
});

/** What Dawn 0.6.2 reports for Mesa 25's lavapipe (copied from a run on this project's CI image). */
const LAVAPIPE: AdapterIdentity = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  isFallbackAdapter: true,
};
const hardware = (vendor: string, description: string): AdapterIdentity => ({
  vendor,
  architecture: '',
  device: '',
  description,
  isFallbackAdapter: false,
});
const NVIDIA = hardware('nvidia', 'NVIDIA H200');
const INTEL = hardware('intel', 'Intel(R) Graphics (ADL GT2)');

describe('which adapters are software', () => {
  it('lavapipe, SwiftShader, WARP, fallback and CPU-type adapters are; real GPUs are not', () => {
    assert.match(softwareReason(LAVAPIPE) ?? '', /fallback/);
    assert.match(softwareReason({ ...LAVAPIPE, isFallbackAdapter: false }) ?? '', /llvmpipe|software/);
    assert.match(softwareReason(hardware('google', 'SwiftShader Device (Subzero)')) ?? '', /swiftshader/);
    assert.match(softwareReason(hardware('microsoft', 'Microsoft Basic Render Driver')) ?? '', /basic render/);
    assert.match(softwareReason({ ...hardware('', ''), architecture: 'cpu' }) ?? '', /cpu/);
    assert.match(softwareReason({ ...NVIDIA, isFallbackAdapter: true }) ?? '', /fallback/);
    for (const gpu of [
      NVIDIA,
      INTEL,
      hardware('amd', 'AMD Radeon 780M (RADV PHOENIX)'),
      hardware('apple', 'Apple M2'),
    ]) {
      assert.equal(softwareReason(gpu), undefined, gpu.description);
    }
    // Whole words only: a product name that merely contains "cpu" or "warp" is not a CPU renderer.
    assert.equal(softwareReason(hardware('acme', 'Warpspeed GPUcore 9')), undefined);
  });
});

describe('the auto rule', () => {
  const fast = { webgpu: 100_000, wasmPerThread: 1_000 };

  it('never takes a software adapter, however fast it measured', () => {
    const choice = chooseAuto({ adapter: LAVAPIPE, rates: fast }, 2);
    assert.equal(choice.backend, 'wasm');
    assert.match(choice.reason, /llvmpipe.*software adapter/);
  });

  it('goes to wasm without an adapter or without a measurement, saying why', () => {
    assert.deepEqual(chooseAuto({ failure: 'no WebGPU adapter found' }, 8), {
      backend: 'wasm',
      reason: 'no WebGPU adapter (no WebGPU adapter found)',
    });
    const unmeasured = chooseAuto({ adapter: NVIDIA, failure: 'probe timed out' }, 8);
    assert.equal(unmeasured.backend, 'wasm');
    assert.match(unmeasured.reason, /NVIDIA H200 could not be timed \(probe timed out\)/);
  });

  it('takes a hardware GPU only where it beats wasm on every core by the margin', () => {
    assert.equal(chooseAuto({ adapter: NVIDIA, rates: fast }, 8).backend, 'webgpu');
    // Faster than one wasm thread, slower than eight: an integrated GPU beside 8 cores stays on wasm.
    const laptop = { webgpu: 5_000, wasmPerThread: 1_000 };
    assert.equal(chooseAuto({ adapter: INTEL, rates: laptop }, 2).backend, 'webgpu');
    const beside8 = chooseAuto({ adapter: INTEL, rates: laptop }, 8);
    assert.equal(beside8.backend, 'wasm');
    assert.match(beside8.reason, /not faster than the CPU here: webgpu 5000 img\/s, wasm 8000 img\/s on 8 thread/);
    // The margin itself: exactly GPU_MARGIN times is not enough, a little more is.
    const at = (webgpu: number) => chooseAuto({ adapter: NVIDIA, rates: { webgpu, wasmPerThread: 1_000 } }, 4).backend;
    assert.equal(at(4_000 * GPU_MARGIN), 'wasm');
    assert.equal(at(4_000 * GPU_MARGIN + 1), 'webgpu');
  });
});

describe('the per-machine cache', () => {
  const facts: MachineFacts = {
    versions: { webgpu: '0.6.2', '@tensorflow/tfjs-core': '4.22.0', 'mnist-tui': '0.1.0' },
    cores: 8,
    platform: 'linux',
    arch: 'x64',
    drivers: ['/usr/share/vulkan/icd.d/lvp_icd.json 600 1', '/dev/dri/renderD128 0 5'],
  };

  it('keys on versions, cores, platform and drivers, not on the order they were listed in', () => {
    const key = machineKey(facts);
    const reordered: MachineFacts = {
      ...facts,
      versions: { 'mnist-tui': '0.1.0', '@tensorflow/tfjs-core': '4.22.0', webgpu: '0.6.2' },
      drivers: [...facts.drivers].reverse(),
    };
    assert.equal(machineKey(reordered), key);
    const changes: MachineFacts[] = [
      { ...facts, versions: { ...facts.versions, webgpu: '0.6.3' } },
      { ...facts, versions: { ...facts.versions, 'mnist-tui': '0.2.0' } },
      { ...facts, cores: 16 },
      { ...facts, arch: 'arm64' },
      { ...facts, drivers: [...facts.drivers, '/usr/share/vulkan/icd.d/nvidia_icd.json 140 9'] },
      { ...facts, drivers: ['/usr/share/vulkan/icd.d/lvp_icd.json 600 2', facts.drivers[1]] },
    ];
    for (const changed of changes) assert.notEqual(machineKey(changed), key, JSON.stringify(changed));
  });

  it('gathers this machine’s facts with every package version', () => {
    const here = gatherMachineFacts();
    const require = createRequire(import.meta.url);
    const tfjsVersion = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
    assert.equal(here.versions['@tensorflow/tfjs-core'], tfjsVersion);
    assert.equal(here.versions.webgpu, (require('webgpu/package.json') as { version: string }).version);
    assert.match(here.versions['mnist-tui'], /^\d+\.\d+\.\d+/);
    assert.ok(here.cores >= 1);
    assert.equal(machineKey(gatherMachineFacts()), machineKey(here), 'stable between two reads');
  });

  it('lives under $XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(probeCachePath({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), '/x/cache/mnist-tui/backend-probe.json');
    assert.equal(probeCachePath({}, '/home/u'), '/home/u/.cache/mnist-tui/backend-probe.json');
    // The XDG spec says a relative path is to be ignored.
    assert.equal(probeCachePath({ XDG_CACHE_HOME: 'rel' }, '/home/u'), '/home/u/.cache/mnist-tui/backend-probe.json');
  });

  it('returns a probe for its own key only, and survives a damaged file', () => {
    const file = path.join(temp(), 'deep', 'probe.json');
    assert.equal(readProbe(file, 'k1'), undefined);
    const probe = { adapter: NVIDIA, rates: { webgpu: 9, wasmPerThread: 3 } };
    assert.ok(writeProbe(file, 'k1', probe));
    assert.deepEqual(readProbe(file, 'k1'), probe);
    assert.equal(readProbe(file, 'k2'), undefined);
    writeFileSync(file, '{"key":"k1","pro');
    assert.equal(readProbe(file, 'k1'), undefined);
  });

  it('auto answers from the cache while the key holds, and probes again when it changes', async () => {
    const file = path.join(temp(), 'probe.json');
    const key = machineKey(gatherMachineFacts());
    // A GPU this machine does not have: only the cache can make auto choose it.
    writeProbe(file, key, { adapter: NVIDIA, rates: { webgpu: 1e9, wasmPerThread: 1 } });
    if (vulkanLoaderPresent()) {
      assert.equal((await autoGpuChoice(file)).backend, 'webgpu');
    }
    writeProbe(file, 'a key from another machine', { adapter: NVIDIA, rates: { webgpu: 1e9, wasmPerThread: 1 } });
    const fresh = await autoGpuChoice(file);
    assert.equal(fresh.backend, 'wasm', fresh.reason);
    if (vulkanLoaderPresent()) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { key: string };
      assert.equal(stored.key, key, 'the new probe is stored under this machine’s key');
    }
  });
});

/** The adapter Dawn finds here, if any: the end-to-end tests below need lavapipe (scripts/install-lavapipe.sh). */
const found = await probeMachine(false);
const softwareHere = found.adapter !== undefined && softwareReason(found.adapter) !== undefined;
const noSoftware = softwareHere
  ? false
  : `needs a software WebGPU adapter (run scripts/install-lavapipe.sh); the probe says: ${
      found.failure ?? (found.adapter ? `${found.adapter.description} is hardware` : 'no adapter')
    }`;

describe('on a software adapter (lavapipe)', () => {
  it('the probe child finds it, and Dawn’s warnings stay in the child', { skip: noSoftware }, () => {
    assert.ok(found.adapter !== undefined);
    assert.equal(found.rates, undefined, 'a software adapter is never timed');
  });

  it('auto settles on wasm without starting WebGPU in this process', { skip: noSoftware }, async (t) => {
    const previous = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = temp();
    t.after(() => {
      if (previous === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = previous;
    });
    const backend = await initBackend('auto', 'async');
    assert.notEqual(backend, 'webgpu');
    assert.equal(startedWebGpu(), undefined, 'no Dawn device in this process');
    assert.equal(tf.findBackendFactory('webgpu'), null, 'no webgpu backend registered');
  });

  it('train with auto picks wasm and prints nothing on stderr', { skip: noSoftware }, async () => {
    const cache = temp();
    const args = ['train', 'cnn', '--epochs', '1', '--limit', '500', '--json', '--models-dir', temp()];
    const result = await runCliOnPipe(args, { XDG_CACHE_HOME: cache });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no Dawn warning, no note');
    assert.equal(jsonLines(result.stdout)[0].backend, 'wasm');
    const stored = JSON.parse(readFileSync(probeCachePath({ XDG_CACHE_HOME: cache }), 'utf8')) as {
      probe: { adapter: AdapterIdentity };
    };
    assert.equal(stored.probe.adapter.description, found.adapter?.description, 'the probe was remembered');
  });

  it(
    '--backend webgpu still trains there, and says once that the adapter is software',
    { skip: noSoftware },
    async () => {
      // Five training and three test images: lavapipe needs seconds per batch.
      const args = ['train', 'cnn', '--epochs', '1', '--json', '--backend', 'webgpu'];
      // No cache folder of its own: an explicit backend never probes, and Mesa keeps its compiled
      // shaders under the same XDG folder, so a fresh one would cost minutes of compiling.
      const result = await runCliOnPipe([...args, '--data-dir', writeMnistDir(), '--models-dir', temp()]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line expected, got:\n${result.stderr}`);
      assert.match(
        lines[0],
        /^mnist-tui: webgpu runs on a software adapter, llvmpipe.*far slower than --backend wasm$/,
      );
      const events = jsonLines(result.stdout);
      assert.equal(events[0].backend, 'webgpu');
      assert.deepEqual(
        events[0].adapter,
        { name: found.adapter?.description, software: true },
        'the start event says so too',
      );
      assert.equal(events.at(-1)?.event, 'done');
    },
  );
});
