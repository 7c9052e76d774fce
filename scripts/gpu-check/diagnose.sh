#!/usr/bin/env bash
# Finds out why Dawn sees no Vulkan adapter on a GPU host, when scripts/gpu-check.sh says so.
# Prints what the host offers (device nodes, the driver's libraries and their needs, the Vulkan
# driver manifests), then asks Dawn for an adapter under several setups, each with the Vulkan
# loader's debug output kept in DIAG_OUT/setup-N.log, and says which setups work. Read-only on
# the host except the last two setups, tried only when every earlier one failed and
# DIAG_CHANGE_HOST=1: the loaders unpacked into / (as on a disposable container), and a missing
# /dev/nvidia-modeset created.
#
# Usage: scripts/gpu-check/diagnose.sh [PAYLOAD_DIR]   (default dist/gpu-payload)
#   PAYLOAD_DIR/debs/       the loader, and the client libraries setups 5 on add (X11, glvnd...)
#   PAYLOAD_DIR/diag-debs/  optional: vulkan-tools, glvnd's GL and EGL libraries, a newer
#                           libvulkan1 (file name libvulkan1_1.4*), as gpu-pack.sh --diag fetches
# Environment: DIAG_OUT=DIR (default a fresh folder under /tmp). Writes DIAG_OUT/working.env,
# the environment of the first setup that works, for `source` before scripts/gpu-check.sh.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
payload="$(cd "${1:-$repo/dist/gpu-payload}" && pwd)"
out="${DIAG_OUT:-$(mktemp -d /tmp/gpu-diag.XXXXXX)}"
mkdir -p "$out"
work="$(mktemp -d /tmp/gpu-diag-work.XXXXXX)"
section() { echo; echo "=== $*"; }

section "host"
uname -a
ldd --version 2>&1 | head -1
env | grep -E '^(NVIDIA|LD_LIBRARY_PATH|VK_|__)' | sort
nvidia-smi --query-gpu=name,driver_version,mig.mode.current,display_mode --format=csv,noheader 2>&1
cat /proc/driver/nvidia/version 2>&1 | head -2
ls -la /dev/nvidia* /dev/dri 2>&1
grep -E 'nvidia-(modeset|drm)|^nvidia ' /proc/modules 2>&1 | cut -d' ' -f1-3
grep -E 'nvidia|vulkan' /proc/self/mountinfo | awk '{print $5}' | sort | head -40

section "the driver's libraries"
for dir in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64; do
  [ -d "$dir" ] && ls -la "$dir" 2>/dev/null | grep -E 'GLX|glcore|gpucomp|glvkspirv|GLdispatch|EGL_nvidia|libX11|libXext|libxcb|vulkan' | sed "s|^|$dir: |"
done
ldconfig -p | grep -E 'GLX|glcore|GLdispatch|libX11|libXext|libxcb\.|vulkan' | sed 's/^/ldconfig: /'
glx=/usr/local/nvidia/lib64/libGLX_nvidia.so.0
[ -e "$glx" ] || glx="$(ldconfig -p | awk '/libGLX_nvidia\.so\.0 / {print $NF; exit}')"
echo "ldd $glx (LD_LIBRARY_PATH=/usr/local/nvidia/lib64):"
LD_LIBRARY_PATH=/usr/local/nvidia/lib64 ldd "$glx" 2>&1 | sed 's/^/  /'

section "Vulkan manifests"
for file in /etc/vulkan/icd.d/* /usr/share/vulkan/icd.d/* /usr/local/share/vulkan/icd.d/* \
  /usr/local/nvidia/share/vulkan/icd.d/* /etc/vulkan/implicit_layer.d/* \
  /usr/share/vulkan/implicit_layer.d/* /usr/local/nvidia/share/vulkan/implicit_layer.d/*; do
  [ -f "$file" ] && { echo "-- $file"; tr -s ' \n' ' ' <"$file" | cut -c1-400; echo; }
done

section "unpacking"
(cd "$payload" && sha256sum --quiet -c SHA256SUMS) || echo "payload does not match SHA256SUMS"
mkdir -p "$work/dawn" "$work/l13" "$work/l14" "$work/x"
xz -dc "$payload/app/dist/linux-x64/dawn.node.xz" >"$work/dawn/dawn.node"
xz -dc "$payload/node.xz" >"$work/node" && chmod +x "$work/node"
dpkg -x "$(ls "$payload"/debs/libvulkan1_*.deb)" "$work/l13"
dpkg -x "$(ls "$payload"/debs/libstdc++6_*.deb)" "$work/l13"
lib=usr/lib/x86_64-linux-gnu
cp -a "$work/l13/$lib/libstdc++"* "$work/l14/" 2>/dev/null
for deb in "$payload"/debs/*.deb "$payload"/diag-debs/*.deb; do
  [ -f "$deb" ] || continue
  case "$(basename "$deb")" in
    libvulkan1_1.3* | libstdc++6_*) ;;
    libvulkan1_1.4*) dpkg -x "$deb" "$work/l14new" && cp -a "$work/l14new/$lib/"libvulkan* "$work/l14/" ;;
    *) dpkg -x "$deb" "$work/x" ;;
  esac
done
ls "$work/l14"
cat >"$work/probe.cjs" <<'EOF'
const { create } = require(process.argv[2]);
const gpu = create([]);
gpu.requestAdapter({ powerPreference: 'high-performance' }).then((adapter) => {
  if (adapter === null) { console.log('PROBE: no adapter'); process.exit(2); }
  const { vendor, architecture, device, description } = adapter.info;
  console.log('PROBE: adapter ' + JSON.stringify({ vendor, architecture, device, description }));
  process.exit(0);
}, (error) => { console.log('PROBE: error ' + error); process.exit(3); });
EOF

# Each setup: a name, then the environment as NAME=VALUE words; VK_LOADER_DEBUG=all on top.
working=""
n=0
try() {
  n=$((n + 1))
  local name="$1" log="$out/setup-$n.log" status
  shift
  section "setup $n: $name"
  echo "env: $*" | tee "$log"
  if [ -x "$work/x/usr/bin/vulkaninfo" ]; then
    env "$@" VK_LOADER_DEBUG=all timeout 30 "$work/x/usr/bin/vulkaninfo" --summary >>"$log" 2>&1
    echo "vulkaninfo: status $?"
    grep -E 'deviceName|driverVersion|apiVersion' "$log" | head -4
  fi
  echo "--- probe" >>"$log"
  env "$@" VK_LOADER_DEBUG=all timeout 60 "$work/node" "$work/probe.cjs" "$work/dawn/dawn.node" >>"$log" 2>&1
  status=$?
  grep -E 'PROBE|ERROR|Could not|Failed|failed|vkCreateInstance|Searching for ICD|Found ICD|Skipping|cannot open|version' "$log" |
    grep -v 'Layer\|layer' | sort | uniq -c | sort -rn | head -14 | cut -c1-300
  echo "setup $n: probe status $status"
  if [ "$status" -eq 0 ] && [ -z "$working" ]; then
    working="$n"
    printf 'export %s\n' "$@" >"$out/working.env"
  fi
}

nv=/usr/local/nvidia/lib64
base="$work/l13/$lib:$nv"
icd_share=/usr/share/vulkan/icd.d/nvidia_icd.json
icd_local=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
icd_abs="$work/nvidia_icd_abs.json"
printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' \
  "$nv/libGLX_nvidia.so.0" >"$icd_abs"
[ -f "$icd_share" ] || icd_share="$icd_abs"
[ -f "$icd_local" ] || icd_local="$icd_abs"

try "as gpu-check.sh: loader 1.3, manifest $icd_share" LD_LIBRARY_PATH="$base" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share"
try "loader 1.3, manifest $icd_local" LD_LIBRARY_PATH="$base" VK_DRIVER_FILES="$icd_local" VK_ICD_FILENAMES="$icd_local"
try "loader 1.3, the driver found through ldconfig alone" LD_LIBRARY_PATH="$work/l13/$lib" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share"
try "loader 1.3, absolute library path" LD_LIBRARY_PATH="$base" VK_DRIVER_FILES="$icd_abs" VK_ICD_FILENAMES="$icd_abs"
try "loader 1.3, X11 and glvnd libraries" LD_LIBRARY_PATH="$base:$work/x/$lib" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share"
if ls "$work/l14"/libvulkan.so.1 >/dev/null 2>&1; then
  try "loader 1.4, X11 and glvnd libraries" LD_LIBRARY_PATH="$work/l14:$nv:$work/x/$lib" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share"
fi
try "loader 1.3, __NV_PRIME_RENDER_OFFLOAD=1, X11 libraries" LD_LIBRARY_PATH="$base:$work/x/$lib" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share" __NV_PRIME_RENDER_OFFLOAD=1

if [ -z "$working" ] && [ "${DIAG_CHANGE_HOST:-}" = 1 ]; then
  section "unpacking the loaders into / (disposable host only)"
  for deb in "$payload"/debs/libvulkan1_*.deb "$payload"/diag-debs/lib{glvnd0,egl1,glx0,gl1,opengl0,gles2}_*.deb; do
    [ -f "$deb" ] && dpkg -x "$deb" /
  done
  ldconfig
  try "loaders in / and ldconfig, manifest $icd_local" LD_LIBRARY_PATH="$work/l14" VK_DRIVER_FILES="$icd_local" VK_ICD_FILENAMES="$icd_local" __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
if [ -z "$working" ] && [ "${DIAG_CHANGE_HOST:-}" = 1 ] && [ ! -e /dev/nvidia-modeset ]; then
  section "creating /dev/nvidia-modeset (195, 254)"
  mknod -m 666 /dev/nvidia-modeset c 195 254 && ls -la /dev/nvidia-modeset
  try "with /dev/nvidia-modeset, loader 1.3, X11 libraries" LD_LIBRARY_PATH="$base:$work/x/$lib" VK_DRIVER_FILES="$icd_share" VK_ICD_FILENAMES="$icd_share"
fi

section "verdict"
if [ -n "$working" ]; then
  echo "diagnose: setup $working works; its environment is in $out/working.env"
else
  echo "diagnose: no setup gave Dawn an adapter; loader logs in $out/setup-*.log"
  exit 1
fi
