#!/usr/bin/env bash
# Proves the WebGPU backend on a Linux x86-64 host with an NVIDIA GPU and its driver, without
# Node.js or network there: everything comes from the payload scripts/gpu-pack.sh builds.
#   1. checks the payload (SHA256SUMS) and unpacks it into a fresh folder under /tmp
#   2. finds or supplies what Dawn needs: the Vulkan loader, NVIDIA's Vulkan driver (ICD), a
#      recent libstdc++
#   3. runs gpu-check.js: WebGPU gradients against the cpu backend on random shapes (relative
#      error <= 1e-3), one CNN epoch on WebGPU and on wasm, the app's webgpu and wasm engines,
#      images/s of each
#   4. checks that Node exits by itself afterwards, and that the bundled app trains and
#      evaluates with --backend webgpu, then exits by itself too
# A few minutes on one GPU; --limit shortens the epochs.
#
# Usage: scripts/gpu-check.sh [PAYLOAD_DIR] [gpu-check options]
#   PAYLOAD_DIR   default: dist/gpu-payload beside this script's repository
#   options       --limit N (train on the first N of 60000 images), --cases N (random cases per
#                 op, 4), --workers N (the wasm engine's threads; all cores), --batch-size N
#                 (128), --seed N (42)
# Environment:    GPU_CHECK_OUT=DIR      where gpu-check.log and report.json go (the work folder)
#                 GPU_CHECK_TIMEOUT=S    seconds before the run counts as hung (540)
# Exit status 0 only if every step passed; the last line says PASS or FAIL and why.
set -euo pipefail

# How long Node may take to exit after printing its verdict before we call it hung.
EXIT_GRACE_SECONDS=20
# The app's own check (step 4): images in its one epoch, and seconds each command may take.
APP_TRAIN_IMAGES=2000
APP_TIMEOUT_SECONDS=120
# Dawn's binary needs these from the host's C and C++ runtimes.
MIN_GLIBC=2.34
NEEDED_GLIBCXX=GLIBCXX_3.4.30

repo="$(cd "$(dirname "$0")/.." && pwd)"
payload="$repo/dist/gpu-payload"
if [ $# -gt 0 ] && [ -d "$1" ]; then
  payload="$(cd "$1" && pwd)"
  shift
fi
started=$SECONDS

say() { echo "gpu-check.sh: $*"; }
fail() {
  say "FAIL: $*"
  exit 1
}

# 1. The payload, intact, unpacked.
[ -f "$payload/SHA256SUMS" ] || fail "no payload in $payload; build it with scripts/gpu-pack.sh where npm works"
(cd "$payload" && sha256sum --quiet -c SHA256SUMS) || fail "the payload in $payload does not match its SHA256SUMS"
[ "$(uname -m)" = x86_64 ] || fail "the payload is for x86-64; this host is $(uname -m)"
glibc="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"
[ "$(printf '%s\n' "$MIN_GLIBC" "$glibc" | sort -V | head -1)" = "$MIN_GLIBC" ] ||
  fail "glibc $glibc is older than the $MIN_GLIBC Dawn's binary needs"

work="$(mktemp -d /tmp/gpu-check.XXXXXX)"
out="${GPU_CHECK_OUT:-$work}"
mkdir -p "$out"
cp -r "$payload/." "$work/"
unxz_file() {
  if command -v xz >/dev/null; then
    xz -d "$1"
  elif command -v python3 >/dev/null; then
    python3 -c 'import lzma, os, sys; f = sys.argv[1]; open(f[:-3], "wb").write(lzma.open(f).read()); os.remove(f)' "$1"
  else
    fail "neither xz nor python3 is here to unpack $1"
  fi
}
while IFS= read -r -d '' packed; do unxz_file "$packed"; done < <(find "$work" -name '*.xz' -print0)
chmod +x "$work/node"
say "payload unpacked into $work; Node $("$work/node" --version)"

# 2. What Dawn needs from the host.
if command -v nvidia-smi >/dev/null; then
  say "GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1)"
else
  say "no nvidia-smi here; going on, Dawn will say whether it sees a GPU"
fi

extract_deb() {
  command -v dpkg >/dev/null || fail "dpkg is needed to unpack $1"
  dpkg -x "$(ls "$work/debs/$1"_*.deb)" "$work/root"
  case ":${LD_LIBRARY_PATH:-}:" in
    *":$work/root/usr/lib/x86_64-linux-gnu:"*) ;;
    *) export LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
  esac
}
# The driver's own libraries sit outside the linker's cache in some containers.
for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  if [ -d "$dir" ]; then export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
done
# Read once: `ldconfig -p | grep -q` fails at random under pipefail (grep's early exit kills
# ldconfig with SIGPIPE).
linker_cache="$(ldconfig -p)"
loader_on_path=""
IFS=: read -r -a library_dirs <<<"${LD_LIBRARY_PATH:-}"
for dir in "${library_dirs[@]}"; do
  if [ -n "$dir" ] && [ -e "$dir/libvulkan.so.1" ]; then loader_on_path="$dir/libvulkan.so.1"; fi
done
if [ -n "$loader_on_path" ]; then
  say "Vulkan loader: $loader_on_path (LD_LIBRARY_PATH)"
elif grep -q 'libvulkan\.so\.1 ' <<<"$linker_cache"; then
  say "Vulkan loader: the host's"
else
  extract_deb libvulkan1
  say "Vulkan loader: carried (libvulkan1)"
fi
# NVIDIA's Vulkan driver (libGLX_nvidia.so.0) opens glvnd's libEGL.so.1, and through it
# libGLdispatch.so.0, at run time; where they are missing it still loads, but hands the loader no
# vkCreateInstance and Dawn finds no adapter (seen on an H200 container without glvnd). The rest
# are what those and the driver link. Each library, then the package that has it.
client_libraries=(libGLdispatch.so.0 libglvnd0 libGLX.so.0 libglx0 libEGL.so.1 libegl1 libGL.so.1 libgl1
  libOpenGL.so.0 libopengl0 libGLESv2.so.2 libgles2 libX11.so.6 libx11-6 libX11-xcb.so.1 libx11-xcb1
  libXext.so.6 libxext6 libxcb.so.1 libxcb1 libXau.so.6 libxau6 libXdmcp.so.6 libxdmcp6
  libbsd.so.0 libbsd0 libmd.so.0 libmd0 libwayland-client.so.0 libwayland-client0 libffi.so.8 libffi8)
carried=""
for ((i = 0; i < ${#client_libraries[@]}; i += 2)); do
  if ! grep -q "^[[:space:]]${client_libraries[i]} (libc6,x86-64)" <<<"$linker_cache"; then
    extract_deb "${client_libraries[i + 1]}"
    carried="$carried ${client_libraries[i]}"
  fi
done
if [ -n "$carried" ]; then
  say "client libraries for NVIDIA's driver: carried$carried"
else
  say "client libraries for NVIDIA's driver: all the host's"
fi
libstdcxx="$(awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}' <<<"$linker_cache")"
if [ -z "$libstdcxx" ] || ! grep -q "$NEEDED_GLIBCXX" "$libstdcxx"; then
  extract_deb libstdc++6
  say "libstdc++: carried (the host's lacks $NEEDED_GLIBCXX)"
fi

# VK_DRIVER_FILES set by the caller (one manifest) wins over the search below.
icd="${VK_DRIVER_FILES:-}"
[ -z "$icd" ] || [ -f "$icd" ] || fail "VK_DRIVER_FILES names $icd, which is not a file"
[ -n "$icd" ] || for dir in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d; do
  for file in "$dir"/nvidia*.json; do
    if [ -f "$file" ]; then
      icd="$file"
      break 2
    fi
  done
done
if [ -z "$icd" ]; then
  # The driver is there but its ICD file is not (common in containers): describe it ourselves.
  glx="$(awk '/libGLX_nvidia\.so\.0 / {print $NF; exit}' <<<"$linker_cache")"
  for candidate in /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0; do
    if [ -z "$glx" ] && [ -f "$candidate" ]; then glx="$candidate"; fi
  done
  [ -n "$glx" ] || fail "no NVIDIA Vulkan driver (no nvidia_icd.json, no libGLX_nvidia.so.0); in a container, NVIDIA_DRIVER_CAPABILITIES must include graphics"
  icd="$work/nvidia_icd.json"
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" >"$icd"
fi
# Only NVIDIA's driver: a software Vulkan elsewhere on the host must not be picked instead.
export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
say "Vulkan driver: $icd"

# 3. The checks, watched: a verdict line, then Node must exit by itself.
log="$out/gpu-check.log"
: >"$log"
timeout_seconds="${GPU_CHECK_TIMEOUT:-540}"
"$work/node" "$work/app/gpu-check.js" --data-dir "$work/mnist" --report "$out/report.json" "$@" > >(tee "$log") 2>&1 &
pid=$!
verdict_at=""
stuck=""
while kill -0 "$pid" 2>/dev/null; do
  if [ -z "$verdict_at" ] && grep -q '^gpu-check: \(PASS\|FAIL\)' "$log"; then verdict_at=$SECONDS; fi
  if [ -n "$verdict_at" ] && [ $((SECONDS - verdict_at)) -ge $EXIT_GRACE_SECONDS ]; then
    stuck="Node did not exit within ${EXIT_GRACE_SECONDS} s of finishing (a live GPU device keeps it running)"
  elif [ $((SECONDS - started)) -ge "$timeout_seconds" ]; then
    stuck="no verdict after ${timeout_seconds} s (try --limit)"
  fi
  if [ -n "$stuck" ]; then
    kill -9 "$pid"
    break
  fi
  sleep 1
done
status=0
wait "$pid" || status=$?
[ -z "$stuck" ] || fail "$stuck; log in $log"
[ "$status" -eq 0 ] || fail "gpu-check.js exited with status $status; log in $log"

# 4. The bundled app on this host: a short epoch on webgpu, then eval on webgpu, each exiting by
# itself in time. Dawn may add warnings of its own on stderr; they are shown, not counted.
models="$(mktemp -d)"
app() {
  local app_status=0 app_said
  app_said="$(timeout "$APP_TIMEOUT_SECONDS" "$work/node" "$work/app/mnist-tui.js" "$@" --backend webgpu \
    --data-dir "$work/mnist" --models-dir "$models" --json 2>&1)" || app_status=$?
  printf '%s\n' "$app_said" | sed 's/^/gpu-check.sh: app: /'
  [ "$app_status" -ne 124 ] || fail "mnist-tui $1 --backend webgpu did not exit within ${APP_TIMEOUT_SECONDS} s"
  [ "$app_status" -eq 0 ] || fail "mnist-tui $1 --backend webgpu exited with status $app_status"
  printf '%s\n' "$app_said" | grep -q '"backend":"webgpu"' || fail "mnist-tui $1 --backend webgpu did not run on webgpu"
}
app train cnn --epochs 1 --limit "$APP_TRAIN_IMAGES" --workers 1
app eval

say "PASS in $((SECONDS - started)) s; log and report.json in $out"
