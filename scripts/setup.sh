#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package the build and test harness needs.
# Idempotent: apt-get runs only when something is missing. Works as root
# without a tty (CI) and through sudo otherwise.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

# The packages, from the list of every program and file the targets use
# (scripts/deps.list, which says who needs each).
list=$("$top/scripts/check-deps.sh" packages)
mapfile -t packages <<<"$list"

# Installed is not enough: a PATH that hides a program fails here, naming
# it and its package, not with "command not found" deep in a test log.
verify() {
	local out

	out=$("$top/scripts/check-deps.sh" present) && return 0
	grep MISSING <<<"$out" | sed 's/^check-deps:/setup:/' >&2
	echo "setup: FAILED: programs or files missing (scripts/deps.list)" >&2
	exit 1
}

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	verify
	echo "setup: all ${#packages[@]} packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=(sudo)
fi

echo "setup: installing: ${missing[*]}"
# env, not export: sudo would drop an exported DEBIAN_FRONTEND.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q)
if ! "${apt[@]}" update || ! "${apt[@]}" install -y --no-install-recommends \
	"${missing[@]}" </dev/null; then
	echo "setup: FAILED: apt-get could not install: ${missing[*]}" >&2
	echo "setup: (no network to Debian's archive, or a package name is wrong;" \
	     "scripts/deps.list says which target needs each)" >&2
	exit 1
fi
verify
echo "setup: done"
