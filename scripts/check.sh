#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/check.sh STEP...
#
# Runs "make STEP" for each step, even after a failure, and adds up the
# results. A step that ends with a line "N passed, N failed[, N skipped]"
# contributes those numbers; any other step counts as one test, passed or
# failed by its exit status. Prints one line per step and closes with the
# totals "N passed, N failed, N skipped". Exits non-zero if anything
# failed.

set -euo pipefail

# All of it in main(), which bash parses whole before running: an edit to
# this file during a long run cannot derail the run.
main() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	build=${AXAS_BUILD:-$top/build}
	make=${MAKE:-make}
	mkdir -p "$build/check"

	# The closing line of a harness, as CI reads it (one word and a colon may
	# stand before it).
	closing='^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'

	total_passed=0 total_failed=0 total_skipped=0
	report=()
	start_all=$SECONDS

	for step in "$@"; do
		log=$build/check/$step.log
		echo
		echo "==== check: $step"
		start=$SECONDS
		set +e
		$make --no-print-directory -C "$top" "$step" </dev/null 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		set -e
		secs=$((SECONDS - start))

		line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "$closing" | tail -n 1 || true)
		if [ -n "$line" ]; then
			line=${line#*: }
			passed=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
			failed=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
			skipped=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || echo 0)
			# A harness that exits non-zero has failed, whatever it counted.
			[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
		elif [ "$rc" -eq 0 ]; then
			passed=1 failed=0 skipped=0
		else
			passed=0 failed=1 skipped=0
		fi

		status=ok
		[ "$failed" -ne 0 ] && status=FAILED
		report+=("$(printf '%-16s %-6s %4d passed, %d failed, %d skipped  (%d s)' \
			"$step" "$status" "$passed" "$failed" "$skipped" "$secs")")
		total_passed=$((total_passed + passed))
		total_failed=$((total_failed + failed))
		total_skipped=$((total_skipped + skipped))
	done

	echo
	echo "==== check: summary ($((SECONDS - start_all)) s; logs in $build/check/)"
	printf '%s\n' "${report[@]}"
	echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
	[ "$total_failed" -eq 0 ]
}

main "$@"
exit
