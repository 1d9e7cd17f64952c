#!/usr/bin/env bash
# Install the system packages the test suite uses on Debian 12: Debian's chromium
# (browser tests), redis-server (the Celery engine test; started by the test on a
# unix socket, never as a service) and a real WordPress with MariaDB and PHP
# (end-to-end tests).
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
if ! command -v redis-server >/dev/null 2>&1; then
    added_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then  # keep the package from starting a server on port 6379
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \
        || { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server; }
    if [ "$added_policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
bash tests/wordpress/setup.sh
