#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make run": boot the end-to-end test kernel in QEMU with axas.mode=demo.
# Its /init loads axaddrspace.ko and runs "axasctl demo", the VMM tool:
# one guest address space per format created through /dev/axaddrspace,
# mapped, faulted, written, read back, translated and printed as a tree.
# Then "axas_vcpu_test -d" runs a real guest (riscv: VS-mode on G-stage;
# arm64: EL1 on Stage-2; x86_64: long mode on NPT under SVM), its lazy
# pages faulted in by the kernel and counted, its MMIO and hypercalls
# answered from userspace. On riscv, tools/axas-vmm then boots Linux as
# a guest on G-stage tables (its console lines prefixed "guest| ").
# Last, /init unloads the module
# and checks the kernel log. This script shows the programs' output and
# the harness's verdict. ARCH picks the emulated machine (default riscv,
# the host that runs guests). The first run builds the kernel (a few
# minutes); later runs take about half a minute.
#
# DEMO=kunit shows the older demo instead: the axaddrspace_demo KUnit
# suite in the KUnit kernel (also the fallback while tools/ is missing).

set -euo pipefail

kunit_demo() {
	local out=$build/run-demo-$arch.log passed failed

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
		return 1
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# Everything runs from main(), which bash parses whole before running it.
main() {
	local out log rc

	top=$(cd "$(dirname "$0")/.." && pwd)
	build=${AXAS_BUILD:-$top/build}
	arch=${ARCH:-riscv}
	[ "$arch" = x86 ] && arch=x86_64

	if [ "${DEMO:-}" = kunit ]; then
		kunit_demo
		return
	fi
	if [ ! -f "$top/tools/Makefile" ]; then
		echo "run: tools/ (axasctl) does not exist yet: showing the KUnit demo"
		kunit_demo
		return
	fi

	out=$build/run-demo-e2e-$arch.out
	log=$build/e2e-$arch-demo.log
	mkdir -p "$build"
	echo "run: booting the $arch end-to-end kernel with the demos as the workload"
	echo "run: (the first run builds the kernel: a few minutes)"
	set +e
	# Progress lines only; the console goes to $log.
	E2E_MODE=demo E2E_QUIET=1 E2E_LOG=$log "$top/scripts/e2e.sh" "$arch" 2>&1 |
		tee "$out" | grep --line-buffered -E '^e2e: [a-z0-9_]+: (building|configuring|kernel )'
	rc=${PIPESTATUS[0]}
	set -e

	if ! grep -q '^# ---- begin: axasctl demo' "$log" 2>/dev/null; then
		echo "run: the demo did not run; see $out and $log" >&2
		tail -n 20 "$out" >&2
		return 1
	fi
	echo
	# The programs' own output (kernel messages are in the log).
	sed -n '/^# ---- begin: /,/^# ---- end: /p' "$log" |
		grep -vE '^# (kernel: |---- end)' |
		sed 's/^# ---- begin: \(.*\)/\n== \1 ==/' || true
	echo
	# The harness's checks around it (module load and unload, kernel log).
	grep -E '^(not )?ok [0-9]+ - e2e: ' "$log" | sed 's/^/run: /' || true
	tail -n 1 "$out"
	return "$rc"
}

main "$@"; exit
