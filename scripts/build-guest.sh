#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/build-guest.sh riscv
#
# The Linux guest that tools/axas-vmm boots in the riscv64 e2e run, in
# build/guest-riscv/:
#   obj/arch/riscv/boot/Image  a 6.12 kernel from Debian's linux-source
#       (tinyconfig + scripts/e2e-config/guest-riscv.config), rebuilt only
#       when its configuration, source or compiler changed;
#   init             tools/guests/linux/init.c, static;
#   initramfs.cpio   /init and /dev/console, /proc.
# Prints the paths it made; exits non-zero, with the reason, on failure.
#
# Environment: AXAS_BUILD, CCACHE_DIR, JOBS as for scripts/e2e.sh.

set -euo pipefail

die() {
	echo "build-guest: $*" >&2
	exit 1
}

[ "${1:-}" = riscv ] || die "usage: $0 riscv (the only guest so far)"
arch=riscv cross=riscv64-linux-gnu- image=arch/riscv/boot/Image

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AXAS_BUILD:-$top/build}
gdir=$build/guest-$arch
kobj=$gdir/obj
kstamp=$kobj/.axas-guest.stamp
frag=$top/scripts/e2e-config/guest-$arch.config
jobs=${JOBS:-$(nproc)}

"$top/scripts/prepare-kernel.sh"
ksrc=$build/linux-source-6.12
# As in e2e.sh: an O= build needs a tree without an in-tree configuration.
[ -e "$ksrc/.config" ] && ksrc=$build/e2e-src
[ -d "$ksrc" ] || die "$ksrc missing (run scripts/e2e.sh first)"

unset MAKEFLAGS MFLAGS MAKELEVEL
export LANG=C LC_ALL=C
unset LC_CTYPE LC_MESSAGES
export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/axaddrspace-ccache}
export CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=true
kmake=(-C "$ksrc" O="$kobj" ARCH="$arch" CROSS_COMPILE="$cross"
       CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$jobs")

mkdir -p "$gdir"
exec 9>"$build/.guest-$arch.lock"
flock 9

want="recipe=1 arch=$arch image=$image
$(cat "$build/.linux-source-6.12.stamp") $ksrc
$(${cross}gcc --version | head -n 1)
$(cat "$frag")"
if [ -f "$kstamp" ] && [ "$(cat "$kstamp")" = "$want" ] && [ -f "$kobj/$image" ]; then
	echo "build-guest: kernel up to date ($kobj/$image)"
else
	start=$SECONDS
	rm -f "$kstamp"
	mkdir -p "$kobj"
	echo "build-guest: configuring $kobj (tinyconfig + ${frag##*/})"
	make -s "${kmake[@]}" tinyconfig || die "make tinyconfig failed"
	cat "$frag" >>"$kobj/.config"
	make -s "${kmake[@]}" olddefconfig 2>&1 | { grep -v 'override: reassigning' || true; }
	missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$kobj/.config" && continue
			echo "build-guest: $line did not stick" >&2
			missing=1 ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# } opt=${opt%% *}
			grep -qE "^$opt=[ym]$" "$kobj/.config" || continue
			echo "build-guest: $opt should be off" >&2
			missing=1 ;;
		esac
	done <"$frag"
	[ "$missing" -eq 0 ] || die "guest kernel configuration failed (see above)"
	echo "build-guest: building the guest kernel (make -j$jobs ${image##*/})"
	make -s "${kmake[@]}" "${image##*/}" || die "guest kernel build failed"
	echo "$want" >"$kstamp"
	echo "build-guest: guest kernel built in $((SECONDS - start)) s"
fi

"${cross}gcc" -static -O2 -Wall -Wextra -Werror -I"$top/tools/guests/linux" \
	-o "$gdir/init" "$top/tools/guests/linux/init.c" || die "guest /init build failed"
cat >"$gdir/initramfs.list" <<-LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $gdir/init 0755 0 0
LIST
"$kobj/usr/gen_init_cpio" "$gdir/initramfs.list" >"$gdir/initramfs.cpio" ||
	die "gen_init_cpio failed"
echo "build-guest: $kobj/$image $gdir/initramfs.cpio"
