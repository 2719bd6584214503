#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where the benchmark's time goes, in instructions (callgrind counts them
# exactly and repeatably, also where perf has no hardware counters):
# for each public operation, the instructions per 4 KiB page (or fault)
# and the functions that execute them.
#
#   profile.sh BENCH_BINARY [format]
set -e
bench=$1
fmt=${2:-ept}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# op  function-to-count  bench-args  operations-counted
for spec in \
	"map_linear-4K axas_map_linear -s1 262144" \
	"translate axas_translate -s1 262144" \
	"unmap-4K axas_unmap -s1 262144" \
	"fault axas_handle_fault -s64 16384" \
	"map_alloc-eager axas_map_alloc -s64 16384"; do
	set -- $spec
	valgrind --tool=callgrind --toggle-collect="$2" \
		--callgrind-out-file="$out/$1" "$bench" -f "$fmt" -r 1 -p 0 $3 \
		>/dev/null 2>&1
	callgrind_annotate "$out/$1" 2>/dev/null | awk -v op="$1" -v n="$4" '
		/PROGRAM TOTALS/ { gsub(",", "", $1);
			printf "%s (%s): %.0f instructions per operation\n",
			       op, ENVIRON["fmt"], $1 / n; next }
		/file:function/ { on = 1; next }
		on && NF == 0 && seen { exit }
		on && $1 ~ /^[0-9,]+$/ { seen = 1; gsub(",", "", $1);
			f = $NF; if (f ~ /^\[/) f = $(NF - 1);
			if ($1 / n >= 1)
				printf "  %8.1f  %s\n", $1 / n, f }'
done
