import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Vulkan loader Dawn opens at run time on Linux; without it there can be no adapter. */
const LOADER = 'libvulkan.so.1';

/** The dynamic linker's index of installed libraries: it names every soname it knows. */
const LINKER_CACHE = '/etc/ld.so.cache';

/** Where the linker looks even without a cache entry. */
const DEFAULT_DIRS = [
  '/lib',
  '/lib64',
  '/usr/lib',
  '/usr/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
];

/**
 * Whether Dawn could load Vulkan here. Asked before Dawn itself, because Dawn reports a missing
 * loader by printing a warning to stderr, which `auto` must not do. Only Linux is checked:
 * elsewhere Dawn uses Metal or Direct3D, which come with the system.
 */
export function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((dir) => dir !== '');
  if ([...extra, ...DEFAULT_DIRS].some((dir) => existsSync(path.join(dir, LOADER)))) return true;
  return existsSync(LINKER_CACHE) && readFileSync(LINKER_CACHE).includes(LOADER);
}
