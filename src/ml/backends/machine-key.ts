import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * What decides which adapters Dawn finds here and how fast each backend trains: the versions
 * of our code and of the packages that compute, the CPU count, and the installed GPU drivers.
 * Gathered without loading Dawn, so a cached choice costs a few file-system calls.
 */
export interface MachineFacts {
  /** Package name → version ('absent' when not installed). */
  versions: Record<string, string>;
  cores: number;
  platform: string;
  arch: string;
  /**
   * Driver files and devices (path, size, mtime), and the environment variables that steer
   * the Vulkan loader: a driver installed, updated or removed changes the key.
   */
  drivers: string[];
}

/** Packages whose versions change the speed of one backend or the other. */
const PACKAGES = [
  'webgpu',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
];

/** Where Vulkan drivers register themselves (ICD manifests), and where GPUs appear as devices. */
const DRIVER_DIRS = [
  '/usr/share/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/dev/dri',
  '/proc/driver/nvidia/gpus',
];

/** Environment variables with which the Vulkan loader picks drivers. */
const DRIVER_ENV = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES', 'VK_LOADER_DRIVERS_SELECT'];

/** The cache key for `facts`: equal facts give equal keys, whatever order they were listed in. */
export function machineKey(facts: MachineFacts): string {
  const versions = Object.keys(facts.versions)
    .sort()
    .map((name) => `${name}@${facts.versions[name]}`);
  const canonical = JSON.stringify([versions, facts.cores, facts.platform, facts.arch, [...facts.drivers].sort()]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** This machine's facts, read now. */
export function gatherMachineFacts(): MachineFacts {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  versions['mnist-tui'] = ownVersion();
  for (const name of PACKAGES) versions[name] = packageVersion(require, name);
  const drivers = DRIVER_DIRS.flatMap(listEntries);
  for (const name of DRIVER_ENV) if (process.env[name] !== undefined) drivers.push(`${name}=${process.env[name]}`);
  return { versions, cores: os.availableParallelism(), platform: process.platform, arch: process.arch, drivers };
}

/** Our own version, from the package.json four folders up from dist/src/ml/backends. */
function ownVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    // Bundled copies (scripts/gpu-check) sit elsewhere; the other versions still key the cache.
    return 'unknown';
  }
}

function packageVersion(require: NodeRequire, name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch (error) {
    // An optional package that is not installed is a fact like any other version.
    return error instanceof Error && 'code' in error ? 'absent' : 'unreadable';
  }
}

/** `path size mtime` of each entry of `dir`, or nothing where the folder does not exist. */
function listEntries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // Most of these folders exist on one platform or driver stack only.
    return [];
  }
  return names.map((name) => {
    const file = path.join(dir, name);
    try {
      const { size, mtimeMs } = statSync(file);
      return `${file} ${size} ${Math.round(mtimeMs)}`;
    } catch {
      // A device node we may not stat still counts by its name.
      return file;
    }
  });
}
