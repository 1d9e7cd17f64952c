#!/usr/bin/env bash
# Install what the loopback WordPress test harness needs (Debian 12).
# php-xml gives SimpleXML, which wp-sitemap.xml needs; php-mbstring is for non-ASCII text.
# Idempotent: when everything is present it only runs a few dpkg-query checks.
set -euo pipefail

PACKAGES=(
  wordpress
  wordpress-theme-twentytwentyone
  wordpress-theme-twentytwentythree
  mariadb-server
  php-cli
  php-mysql
  php-gd
  php-xml
  php-mbstring
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != ii* ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: missing packages (${missing[*]}) and not running as root" >&2
  exit 1
fi

echo "setup.sh: installing ${missing[*]}" >&2

# Keep apt from starting mariadb/apache on their default ports.
policy=/usr/sbin/policy-rc.d
policy_backup=""
if [[ -e "$policy" ]]; then
  policy_backup=$(mktemp)
  cp -p "$policy" "$policy_backup"
fi
restore_policy() {
  if [[ -n "$policy_backup" ]]; then
    mv -f "$policy_backup" "$policy"
  else
    rm -f "$policy"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! apt-get install "${apt_opts[@]}" "${missing[@]}"; then
  echo "setup.sh: apt-get install failed, refreshing package lists and retrying" >&2
  apt-get update -q
  apt-get install "${apt_opts[@]}" "${missing[@]}"
fi

echo "setup.sh: done" >&2
