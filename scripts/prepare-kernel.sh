#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract Debian's linux-source-6.12 tarball once into
# build/linux-source-6.12. That pristine tree is never built in: it is
# the source for the kunit scratch trees and the out-of-tree KDIR, and it
# provides scripts/checkpatch.pl and scripts/kernel-doc.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AXAS_BUILD:-$top/build}
tarball=/usr/src/linux-source-6.12.tar.xz
tree=$build/linux-source-6.12
stamp=$build/.linux-source-6.12.stamp

if [ -f "$stamp" ] && [ -d "$tree" ] && [ "$(cat "$stamp")" = "$(stat -c %Y "$tarball")" ]; then
	exit 0
fi

[ -f "$tarball" ] || {
	echo "prepare-kernel: $tarball missing; run scripts/setup.sh" >&2
	exit 1
}

echo "prepare-kernel: extracting $tarball into $tree"
mkdir -p "$build"
rm -rf "$tree" "$tree.tmp"
mkdir "$tree.tmp"
tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1
# The kunit scratch trees are hard-linked copies of this one. Making it
# read-only would not stop root, and would stop a user from deleting it, so
# kunit.sh instead replaces (never rewrites) the few files it changes.
mv "$tree.tmp" "$tree"
stat -c %Y "$tarball" >"$stamp"
echo "prepare-kernel: done"
