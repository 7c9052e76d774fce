#!/usr/bin/env bash
# Installs Mesa's lavapipe (a Vulkan driver that runs on the CPU) from Debian's bookworm-backports,
# so Dawn finds a software WebGPU adapter on a machine with no GPU and the WebGPU tests can run.
# Bookworm's own Mesa 22 lavapipe is too old for Dawn; backports carries Mesa 25. Idempotent:
# a second run changes nothing. Exits non-zero, with one line saying why, where it cannot install.
set -euo pipefail

SUITE="bookworm-backports"
SOURCES="/etc/apt/sources.list.d/debian.sources"
LEGACY_LIST="/etc/apt/sources.list.d/${SUITE}.list"
# The file lavapipe installs for the Vulkan loader; its presence with Mesa >= 25 means we are done.
ICD_GLOB="/usr/share/vulkan/icd.d/lvp_icd*.json"

fail() {
  echo "install-lavapipe: $1" >&2
  exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "not root and no sudo: cannot install mesa-vulkan-drivers"
  SUDO="sudo"
fi

mesa_version() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true
}

installed="$(mesa_version)"
# shellcheck disable=SC2086 # the glob must expand
if [ -n "$installed" ] && dpkg --compare-versions "$installed" ge 25 && ls $ICD_GLOB >/dev/null 2>&1; then
  echo "install-lavapipe: mesa-vulkan-drivers $installed already installed"
  exit 0
fi

grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release ||
  fail "only Debian 12 (bookworm) is supported; install Mesa >= 25 mesa-vulkan-drivers by hand"

# Add the suite once: to the deb.debian.org entry of the deb822 source where there is one, else as
# a one-line list of its own.
if ! grep -rqs "$SUITE" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ -f "$SOURCES" ] && grep -q '^Suites: bookworm ' "$SOURCES"; then
    $SUDO sed -i "0,/^Suites: bookworm /s//Suites: bookworm $SUITE /" "$SOURCES"
  else
    echo "deb http://deb.debian.org/debian $SUITE main" | $SUDO tee "$LEGACY_LIST" >/dev/null
  fi
fi

$SUDO apt-get update -qq || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t "$SUITE" mesa-vulkan-drivers >/dev/null ||
  fail "apt-get install -t $SUITE mesa-vulkan-drivers failed"
echo "install-lavapipe: mesa-vulkan-drivers $(mesa_version) installed"
