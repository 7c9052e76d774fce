import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { initBackend, isAccelerator } from '../src/ml/backend.js';
import { importOptional, MissingPackageError } from '../src/ml/backends/optional-import.js';
import { vulkanLoaderPresent } from '../src/ml/backends/vulkan-loader.js';

describe('optional backend packages', () => {
  it('a package that is not installed becomes a MissingPackageError saying how to install it', async () => {
    const name = 'mnist-tui-no-such-package';
    const specifier: string = name;
    await assert.rejects(
      importOptional(name, () => import(specifier)),
      (error: unknown) => {
        assert.ok(error instanceof MissingPackageError);
        assert.equal(error.message, `${name} is not installed (npm install ${name})`);
        return true;
      },
    );
  });

  it("an installed package with a missing dependency keeps the dependency's own error", async () => {
    const broken = Object.assign(new Error("Cannot find package 'libfoo' imported from x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await assert.rejects(
      importOptional('webgpu', () => Promise.reject(broken)),
      (error: unknown) => error === broken,
    );
  });

  it('finds the Vulkan loader in LD_LIBRARY_PATH', () => {
    if (process.platform !== 'linux') return;
    const dir = mkdtempSync(path.join(tmpdir(), 'mnist-tui-vulkan-'));
    writeFileSync(path.join(dir, 'libvulkan.so.1'), '');
    const saved = process.env.LD_LIBRARY_PATH;
    process.env.LD_LIBRARY_PATH = `/nonexistent:${dir}`;
    try {
      assert.equal(vulkanLoaderPresent(), true);
    } finally {
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
      else process.env.LD_LIBRARY_PATH = saved;
    }
  });

  it('only the accelerators ask for a single training replica', () => {
    assert.deepEqual(['tensorflow', 'webgpu', 'wasm', 'cpu'].map(isAccelerator), [true, true, false, false]);
  });

  it('a caller that reads synchronously asking for webgpu gets a backend that can serve it', async () => {
    const backend = await initBackend('webgpu', 'sync');
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(backend), backend);
  });
});
