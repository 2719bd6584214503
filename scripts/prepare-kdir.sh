#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure an x86_64 kernel build directory, build/kdir-x86_64, for
# out-of-tree module builds (the top-level Makefile's default KDIR).
#
# It is an O= build directory of the pristine tree, configured from
# tinyconfig plus what the module and its tests use, and then
# "make modules_prepare"d. It also builds vmlinux (about 3 minutes with a
# cold ccache) so that modpost checks the module's unresolved symbols
# against Module.symvers; AXAS_KDIR_VMLINUX=0 skips that.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AXAS_BUILD:-$top/build}
src=$build/linux-source-6.12
kdir=$build/kdir-x86_64
jobs=${JOBS:-$(nproc)}
vmlinux=${AXAS_KDIR_VMLINUX:-1}

# Options on top of tinyconfig. The debug options match kunit/.kunitconfig
# so that sparse sees the same lockdep annotations as the test kernels.
options=(
	64BIT MODULES MODULE_UNLOAD SMP PRINTK BUG
	KUNIT DEBUG_KERNEL PROVE_LOCKING DEBUG_ATOMIC_SLEEP
)

"$top/scripts/prepare-kernel.sh"

# Variables given to an outer make (make kunit ARCH=..., CC=...) would reach
# the kernel build through MAKEFLAGS; this script passes what it means.
unset MAKEFLAGS MFLAGS MAKELEVEL
# ccache hashes the locale variables: fix them so that runs from different
# shells and CI share cache entries (and messages are plain ASCII).
export LANG=C LC_ALL=C
unset LC_CTYPE LC_MESSAGES
export CCACHE_DIR=${CCACHE_DIR:-$build/ccache}
export CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=true
make_args=(-C "$src" O="$kdir" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$jobs")

# Redo everything when the option list or the tree changes.
want="${options[*]} vmlinux=$vmlinux $(cat "$build/.linux-source-6.12.stamp")"
stamp=$kdir/.axas-kdir.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

echo "prepare-kdir: configuring $kdir (tinyconfig + ${options[*]})"
mkdir -p "$kdir"
rm -f "$stamp"
make -s "${make_args[@]}" tinyconfig
enable=()
for opt in "${options[@]}"; do
	enable+=(-e "$opt")
done
"$src/scripts/config" --file "$kdir/.config" "${enable[@]}"
make -s "${make_args[@]}" olddefconfig

# Kconfig silently drops an option whose dependencies are not met.
for opt in "${options[@]}"; do
	grep -q "^CONFIG_$opt=y" "$kdir/.config" || {
		echo "prepare-kdir: CONFIG_$opt did not stick in $kdir/.config" >&2
		exit 1
	}
done

echo "prepare-kdir: make modules_prepare"
make -s "${make_args[@]}" modules_prepare
if [ "$vmlinux" = 1 ]; then
	echo "prepare-kdir: building vmlinux for Module.symvers"
	make -s "${make_args[@]}" vmlinux modules
fi
echo "$want" >"$stamp"
echo "prepare-kdir: done"
