/**
 * Where the adapter probe's child script (auto-probe-child.ts) is, for backends/machine-probe.ts
 * to spawn. The URL is taken here, beside the script, because `import.meta.url` is the file's own
 * place in dist/ and the bundle's one file in scripts/gpu-check's bundle, where the child is
 * emitted beside it: both resolve. The child itself is never imported, since it trains engines
 * whose backends import this folder's backend.ts.
 */
export const AUTO_PROBE_SCRIPT = new URL('./auto-probe-child.js', import.meta.url);
