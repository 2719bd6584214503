#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/kunit.sh ARCH        (ARCH = x86_64 | arm64 | riscv)
#
# Builds the project's KUnit tests into a scratch kernel tree and runs them
# under QEMU with kunit.py. Ends with one line "N passed, N failed,
# N skipped" and exits non-zero on any failure, crash or build error.
#
# Environment:
#   AXAS_SRC          project to test (default: this repository)
#   AXAS_BUILD        build directory (default: <repo>/build)
#   CCACHE_DIR        ccache directory (default: $AXAS_BUILD/ccache)
#   JOBS              make -j (default: nproc)
#   KUNIT_TIMEOUT     seconds kunit.py allows for the test run (default: 600;
#                     arm64, the slowest, needs about 4 minutes)
#   KUNIT_ARGS        extra kunit.py arguments, split on spaces
#                     (for example a filter glob: "axas_format*"); with
#                     --raw_output there is no summary: the exit status is
#                     kunit.py's

set -euo pipefail

usage() {
	echo "usage: $0 x86_64|arm64|riscv" >&2
	exit 2
}

# Append a line to a file of the scratch tree unless it is already there.
# The file is a hard link into the pristine tree: write a new file and
# rename it over the link instead of appending in place.
add_line() {
	local file=$1 line=$2

	grep -qxF "$line" "$file" && return 0
	{ cat "$file"; echo "$line"; } >"$file.axas-tmp"
	mv "$file.axas-tmp" "$file"
}

# The number after "NAME: " in kunit.py's summary line, or 0.
count() {
	echo "$summary" | grep -o "$1: [0-9]*" | grep -o '[0-9]*$' || echo 0
}

# Everything runs from main(), which bash parses whole before running it:
# an edit to this file during a long run cannot derail the run.
main() {
	[ $# -eq 1 ] || usage
	arch=$1
	case $arch in
	x86_64)	cross= ;;
	arm64)	cross=aarch64-linux-gnu- ;;
	riscv)	cross=riscv64-linux-gnu- ;;
	*)	usage ;;
	esac

	top=$(cd "$(dirname "$0")/.." && pwd)
	src=$(cd "${AXAS_SRC:-$top}" && pwd)
	build=${AXAS_BUILD:-$top/build}
	pristine=$build/linux-source-6.12
	ksrc=$build/kunit-src-$arch
	odir=$build/kunit-$arch
	log=$build/kunit-$arch.log
	jobs=${JOBS:-$(nproc)}
	timeout=${KUNIT_TIMEOUT:-600}

	"$top/scripts/prepare-kernel.sh"
	mkdir -p "$build"

	# One run per architecture at a time: a second kunit.py in the same build
	# directory would corrupt it. The lock is released when this script exits.
	exec 9>"$build/.kunit-$arch.lock"
	if ! flock -n 9; then
		echo "kunit: $arch: waiting for another run in $odir"
		flock 9
	fi

	# Each architecture has its own scratch tree, so that syncing the project
	# for one never changes the sources under another's running build.
	if [ ! -f "$ksrc/.axas-scratch-tree" ] ||
	   [ "$(cat "$ksrc/.axas-scratch-tree")" != "$(cat "$build/.linux-source-6.12.stamp")" ]; then
		echo "kunit: making scratch tree $ksrc"
		rm -rf "$ksrc" "$ksrc.tmp"
		# Hard links are cheap; the only files changed in place are
		# drivers/Makefile and drivers/Kconfig, which add_line() replaces.
		cp -al "$pristine" "$ksrc.tmp"
		cat "$build/.linux-source-6.12.stamp" >"$ksrc.tmp/.axas-scratch-tree"
		mv "$ksrc.tmp" "$ksrc"
	fi

	# Only files whose content changed are copied, and they get the time of the
	# copy: keeping the source's time could make a file edited during an earlier
	# build look older than its object. Build products of out-of-tree builds
	# (.gitignore) must stay out: kbuild would find a stale object through VPATH.
	rsync -rlpD --checksum --delete --delete-excluded \
		--exclude=/build/ --exclude=/.git/ --filter=':- .gitignore' \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.a' --exclude=modules.order \
		--exclude=Module.symvers \
		"$src/" "$ksrc/drivers/axaddrspace/"
	add_line "$ksrc/drivers/Makefile" 'obj-y += axaddrspace/'
	add_line "$ksrc/drivers/Kconfig" 'source "drivers/axaddrspace/Kconfig"'

	# Variables given to an outer make (make kunit ARCH=..., CC=...) would reach
	# the kernel build through MAKEFLAGS; this script passes what it means.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# ccache hashes the locale variables: fix them so that runs from different
	# shells and CI share cache entries (and messages are plain ASCII).
	export LANG=C LC_ALL=C
	unset LC_CTYPE LC_MESSAGES
	export CCACHE_DIR=${CCACHE_DIR:-$build/ccache}
	# Hash paths relative to the build directory so that a fresh clone in
	# another directory still hits the cache.
	export CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=true

	kunit_args=(
		run
		--arch="$arch"
		--qemu_config="$top/scripts/kunit-qemu/$arch.py"
		--kunitconfig="$ksrc/drivers/axaddrspace/kunit/.kunitconfig"
		--build_dir="$odir"
		--jobs="$jobs"
		--timeout="$timeout"
		--make_options "CC=ccache ${cross}gcc"
		--make_options "HOSTCC=ccache gcc"
	)
	[ -n "$cross" ] && kunit_args+=(--cross_compile="$cross")
	# shellcheck disable=SC2206 # word splitting is the point
	[ -n "${KUNIT_ARGS:-}" ] && kunit_args+=(${KUNIT_ARGS})

	echo "kunit: $arch: kunit.py ${kunit_args[*]}"
	start=$SECONDS
	set +e
	python3 "$ksrc/tools/testing/kunit/kunit.py" "${kunit_args[@]}" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	echo "kunit: $arch: kunit.py exited $rc after $((SECONDS - start)) s; log in $log"
	case " ${KUNIT_ARGS:-} " in
	*" --raw_output"*) return "$rc" ;;
	esac

	# kunit.py closes with, for example,
	#   [12:34:56] Testing complete. Ran 7 tests: passed: 5, failed: 1, skipped: 1
	# listing only the non-zero counts (passed, failed, crashed, skipped,
	# errors). Crashes and parser errors count as failures here.
	summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'Testing complete\. Ran [0-9]* tests:.*' | tail -n 1 || true)
	passed=$(count passed)
	failed=$(( $(count failed) + $(count crashed) + $(count errors) ))
	skipped=$(count skipped)

	if [ -z "$summary" ]; then
		echo "kunit: $arch: no test summary (build failure or timeout?)" >&2
	fi
	# A non-zero exit with nothing counted as failed (build error, no tests
	# run, timeout) still has to show up as a failure.
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	if [ "$rc" -eq 0 ] && [ "$((passed + skipped))" -eq 0 ]; then
		echo "kunit: $arch: no test ran" >&2
		failed=1
	fi

	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
exit
