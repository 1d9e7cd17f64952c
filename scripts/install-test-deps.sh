#!/usr/bin/env bash
# Install the system packages the test suite uses on Debian 12: Debian's chromium
# (browser tests) and a real WordPress with MariaDB and PHP (end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if ! command -v chromium >/dev/null 2>&1; then
    if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock || true)" ]; then
        $SUDO apt-get update -q
    fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
        || { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }
fi
# a font for the routine-card generator's tests (bench/ocr_cards.py)
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-dejavu-core \
        || { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-dejavu-core; }
fi
bash tests/wordpress/setup.sh
