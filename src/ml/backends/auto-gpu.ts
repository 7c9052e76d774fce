import os from 'node:os';
import { chooseAuto, type AutoChoice } from './auto-choice.js';
import { gatherMachineFacts, machineKey } from './machine-key.js';
import { probeMachine } from './machine-probe.js';
import { probeCachePath, readProbe, writeProbe } from './probe-cache.js';
import { vulkanLoaderPresent } from './vulkan-loader.js';

/**
 * Whether `auto` should train on WebGPU here, without loading Dawn into this process. The
 * first run on a machine probes it in a child process (finding the adapter, and on a hardware
 * one timing both backends: a few seconds, once); later runs read the answer from the cache
 * until a driver, a package version or the core count changes. Where the child cannot
 * measure, the answer is wasm and says why.
 */
export async function autoGpuChoice(cacheFile: string = probeCachePath()): Promise<AutoChoice> {
  const cores = os.availableParallelism();
  // Without the Vulkan loader Dawn finds nothing on Linux; no child is needed to know it.
  if (!vulkanLoaderPresent())
    return chooseAuto({ failure: 'the Vulkan loader (libvulkan.so.1) is not installed' }, cores);
  const key = machineKey(gatherMachineFacts());
  let probe = readProbe(cacheFile, key);
  if (probe === undefined) {
    probe = await probeMachine(true);
    writeProbe(cacheFile, key, probe);
  }
  return chooseAuto(probe, cores);
}
