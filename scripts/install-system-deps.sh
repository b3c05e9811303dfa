#!/usr/bin/env bash
# Install the native tools that do not come from PyPI (Debian/Ubuntu): Icarus Verilog for the
# worker's simulations, bubblewrap (bwrap) for the sandbox every tool runs in, and, with --browser, Debian's Chromium for the browser tests in tests/e2e
# (Playwright drives /usr/bin/chromium; never `playwright install`).
# Idempotent: installs only what is missing, and runs `apt-get update` only when it installs.
set -euo pipefail

packages=()
if ! command -v iverilog >/dev/null 2>&1 || ! command -v vvp >/dev/null 2>&1; then
    packages+=(iverilog)
fi
if ! command -v bwrap >/dev/null 2>&1; then
    packages+=(bubblewrap)
fi
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
    packages+=(chromium)
fi

if [ "${#packages[@]}" -eq 0 ]; then
    echo "System dependencies are installed."
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing ${packages[*]}, and apt-get is not available: install it with your" \
        "package manager (macOS: brew install icarus-verilog; the browser tests expect Chromium at /usr/bin/chromium)" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: installing ${packages[*]} needs root: re-run this script as root" >&2
        exit 1
    fi
    sudo="sudo"
fi

echo "Installing: ${packages[*]}"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
