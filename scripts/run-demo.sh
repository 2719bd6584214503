#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make run": boot a KUnit kernel with the module built in under QEMU and
# show the axaddrspace_demo suite: one address space per format mapped,
# faulted, written, read back and translated, with its table printed as a
# tree. ARCH picks the emulated machine (default x86_64).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AXAS_BUILD:-$top/build}
arch=${ARCH:-x86_64}
[ "$arch" = x86 ] && arch=x86_64
out=$build/run-demo-$arch.log

# Only the demo suite, with the KTAP output (and so its messages) raw.
echo "run: building and booting the $arch KUnit kernel (a few minutes the first time)"
set +e
KUNIT_ARGS="--raw_output=kunit axaddrspace_demo" \
	"$top/scripts/kunit.sh" "$arch" >"$out" 2>&1
set -e

# The demo's messages, without KTAP's indentation and "# test:" prefixes.
sed -n 's/^[[:space:]]*# axas_demo_run: //p' "$out"
passed=$(grep -cE '^[[:space:]]*ok [0-9]+ ' "$out" || true)
failed=$(grep -cE '^[[:space:]]*not ok [0-9]+ ' "$out" || true)
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "run: the demo did not run; see $out" >&2
	exit 1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
