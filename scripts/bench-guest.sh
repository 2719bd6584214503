#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench", guest part: boot the end-to-end kernel of ARCH (riscv, the
# default, arm64 or x86_64, whose guest runs on SVM with NPT) with
# axas.mode=bench, where /init runs
# "axas_vcpu_test -b": a guest touches a lazy 64 MiB region, every page
# faulting into the kernel, which serves the fault and re-enters the
# guest. It prints the fault rate and the average round trip (exit,
# service, re-entry) as BENCH lines; on riscv, axas-vmm then boots the
# Linux guest and prints its time to /init and the lazy faults per second
# while its workload runs. QEMU's TCG plays the hardware, so the
# numbers are emulated, not a machine's: they compare versions of this
# code on this machine, nothing more.

set -euo pipefail

main() {
	local top build arch log out rc

	top=$(cd "$(dirname "$0")/.." && pwd)
	build=${AXAS_BUILD:-$top/build}
	arch=${ARCH:-riscv}
	log=$build/e2e-$arch-bench.log
	out=$build/e2e-$arch-bench.out
	mkdir -p "$build"

	echo "bench: booting the $arch end-to-end kernel with the guest benchmark"
	set +e
	E2E_MODE=bench E2E_QUIET=1 E2E_LOG=$log "$top/scripts/e2e.sh" "$arch" \
		>"$out" 2>&1
	rc=$?
	set -e
	if ! grep -q '^BENCH ' "$log" 2>/dev/null; then
		echo "bench: no BENCH lines; see $out and $log" >&2
		tail -n 20 "$out" >&2
		return 1
	fi
	grep -E '^(BENCH |# emulated)' "$log"
	tail -n 1 "$out"
	return "$rc"
}

main "$@"; exit
