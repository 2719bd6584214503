#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/build-headers-6.1.sh
#
# Builds axaddrspace.ko and the sample client axas_sample.ko against
# Debian's packaged headers for the distribution's default kernel
# (linux-headers-amd64, 6.1.x; scripts/setup.sh installs it): the newest
# /usr/src/linux-headers-6.1*-amd64. The sources are copied to
# build/headers-6.1/ first, so that these products never mix with the
# main tree's. A module passes when it builds without a warning in the
# project's files, modpost resolves every symbol it uses (namespaces
# included) and its vermagic names 6.1. Ends with "N passed, N failed";
# exits non-zero on any failure.
#
# Environment:
#   AXAS_BUILD   build directory (default: <repo>/build)
#   HDRS         headers directory (default: the newest 6.1 one)
#   W            passed to kbuild (W=1: extra warnings)
#   JOBS         make -j (default: nproc)

set -euo pipefail

main() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	build=${AXAS_BUILD:-$top/build}
	out=$build/headers-6.1
	jobs=${JOBS:-$(nproc)}
	passed=0
	failed=0

	hdrs=${HDRS:-$(find /usr/src -maxdepth 1 -name 'linux-headers-6.1*-amd64' \
		-type d 2>/dev/null | sort -V | tail -n 1)}
	if [ -z "$hdrs" ] || [ ! -f "$hdrs/Makefile" ]; then
		echo "headers-6.1: no /usr/src/linux-headers-6.1*-amd64" \
		     "(apt-get install linux-headers-amd64; make setup does)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	kver=$(make -s -C "$hdrs" kernelrelease 2>/dev/null || basename "$hdrs")
	echo "headers-6.1: $hdrs ($kver)"

	# Variables of an outer make (ARCH, CC, ...) must not reach this build.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export LANG=C LC_ALL=C
	unset LC_CTYPE LC_MESSAGES
	export CCACHE_DIR=${CCACHE_DIR:-$build/ccache}
	export CCACHE_BASEDIR=$out CCACHE_NOHASHDIR=true
	cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"

	rm -rf "$out"
	mkdir -p "$out/drivers"
	cp "$top/Kbuild" "$out/"
	cp -r "$top/include" "$out/"
	mkdir -p "$out/drivers/axaddrspace" "$out/drivers/axas-sample"
	cp "$top"/drivers/axaddrspace/*.[chS] "$out/drivers/axaddrspace/"
	cp "$top/drivers/axas-sample/Kbuild" "$top/drivers/axas-sample/axas_sample.c" \
	   "$out/drivers/axas-sample/"

	kmake=(make -C "$hdrs" -j"$jobs" CC="$cc" HOSTCC="$cc")
	[ -n "${W:-}" ] && kmake+=(W="$W")

	build_one axaddrspace "$out" "$out/axaddrspace.ko" \
		CONFIG_AXADDRSPACE=m KCFLAGS="-DCONFIG_AXADDRSPACE_MODULE=1"
	build_one axas_sample "$out/drivers/axas-sample" \
		"$out/drivers/axas-sample/axas_sample.ko" \
		KBUILD_EXTRA_SYMBOLS="$out/Module.symvers"

	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# build_one NAME DIR KO [kbuild variables...]
build_one() {
	local name=$1 dir=$2 ko=$3 log t0 t1 warnings vermagic ok=1
	shift 3
	log=$out/$name.log

	t0=$(date +%s)
	if ! "${kmake[@]}" M="$dir" "$@" modules >"$log" 2>&1; then
		ok=0
	fi
	t1=$(date +%s)
	# Warnings located in the project's files (the copies under $out),
	# not in the kernel's headers.
	warnings=$(grep -cE "^($out/|(\.\./)+(drivers|include)/)[^ ]*:[0-9]+:[0-9]+: warning:" \
		"$log" || true)
	if grep -qE "does not import|undefined!|WARNING: modpost" "$log"; then
		ok=0
	fi
	vermagic=$( [ -f "$ko" ] && modinfo -F vermagic "$ko" || true)
	case $vermagic in
	6.1.*) ;;
	*) ok=0 ;;
	esac
	[ "$warnings" -eq 0 ] || ok=0

	if [ $ok -eq 1 ]; then
		passed=$((passed + 1))
		echo "ok   $name.ko ($((t1 - t0)) s, $warnings warnings, vermagic $vermagic)"
	else
		failed=$((failed + 1))
		echo "FAIL $name.ko ($((t1 - t0)) s, $warnings warnings, vermagic ${vermagic:-none}); $log:"
		grep -E "error|warning|WARNING|ERROR" "$log" | head -n 30 | sed 's/^/  /'
	fi
	if [ -f "$ko" ]; then
		modinfo "$ko" | grep -E "^(filename|vermagic|depends|import_ns|license|description):" |
			sed 's/^/  /'
	fi
}

main "$@"
