#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/check-kasan-plant.sh ARCH    (x86_64 | arm64 | riscv)
#
# The negative control of the KASAN e2e run: builds axaddrspace.ko with
# AXAS_TEST_PLANT_UAF, a planted bug that frees a table page before
# reading its entries (drivers/axaddrspace/pgtable.c, axas_reap_table()),
# boots the KASAN kernel of scripts/e2e.sh (E2E_VARIANT=kasan) with
# "axasctl demo", whose unmaps free tables, and passes only if that run
# fails and KASAN's report names the planted function. A KASAN kernel that
# did not catch it would pass a module with such a bug too.
#
# The planted module stays in build/e2e-ARCH-kasan/mod until the next
# e2e run of that variant rebuilds it (kbuild sees KCFLAGS change).
# Ends with "N passed, N failed".

set -uo pipefail

arch=${1:-}
case $arch in
x86_64|arm64|riscv) ;;
*)	echo "usage: $0 x86_64|arm64|riscv" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AXAS_BUILD:-$top/build}
log=$build/e2e-$arch-kasan-plant.log
want='BUG: KASAN: use-after-free in axas_reap_table'
passed=0 failed=0

result() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok $((passed + failed)) - $2"
	else
		failed=$((failed + 1))
		echo "not ok $((passed + failed)) - $2"
	fi
}

mkdir -p "$build"
echo "kasan-plant: $arch: the KASAN e2e kernel with a planted use-after-free (log $log)"
E2E_VARIANT=kasan E2E_MODE=demo FUZZ_S=0 E2E_QUIET=1 E2E_TIMEOUT=${E2E_TIMEOUT:-300} \
	E2E_LOG=$log KCFLAGS="-DAXAS_TEST_PLANT_UAF ${KCFLAGS:-}" \
	"$top/scripts/e2e.sh" "$arch" >"$build/e2e-$arch-kasan-plant.out" 2>&1
rc=$?
tail -n 5 "$build/e2e-$arch-kasan-plant.out" | sed 's/^/kasan-plant:   /'

if [ ! -s "$log" ]; then
	result fail "the planted run booted (no console log: the build failed, see $build/e2e-$arch-kasan-plant.out)"
else
	[ "$rc" -ne 0 ] && result ok "the e2e run with the planted bug fails (exit $rc)" ||
		result fail "the e2e run with the planted bug fails (it passed)"
	line=$(grep -m1 -F "$want" "$log")
	[ -n "$line" ] && result ok "KASAN reported it: ${line#*] }" ||
		result fail "KASAN reported it: no '$want' in $log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
