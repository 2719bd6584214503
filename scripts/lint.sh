#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/lint.sh checkpatch|kerneldoc|uapi
#        scripts/lint.sh ours LOG DIR
#
# Source gates that need no kernel build. Each exits non-zero on any
# finding. The tools come from the pristine linux-source-6.12 tree.
#
# "ours" prints the compiler, sparse and modpost findings in LOG, a build
# log of make run in DIR, that are located in the project's own files
# (not in kernel headers under build/), and exits non-zero if there are
# any.
#
# Environment: AXAS_SRC (project to check, default: this repository),
# AXAS_BUILD (default: <repo>/build).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "${AXAS_SRC:-$top}" && pwd)
build=${AXAS_BUILD:-$top/build}
ksrc=$build/linux-source-6.12

# C sources and headers under the given directories of the project,
# relative to it so that messages name them the way git does. Not kbuild's
# generated *.mod.c (the sample module builds in drivers/axas-sample).
sources() {
	(cd "$src" && find "$@" -name '*.[chS]' ! -name '*.mod.c' -type f \
		2>/dev/null | LC_ALL=C sort)
}

# The userspace programs are checked too: the VMM tool, the selftest, the
# end-to-end /init, their shared header and the userspace build of the
# core (tools/testing/axas-user), but not the latter's include/linux/,
# which stands in for the kernel's own headers.
checkpatch_dirs=(drivers include kunit tools/axasctl tools/axas-vmm tools/guests/linux tools/include
		 tools/testing/selftests tools/testing/axas-e2e tools/testing/axas-fuzz
		 tools/testing/axas-user)
checkpatch_skip=tools/testing/axas-user/include/

# The userspace header that defines __printf() has to spell out
# __attribute__((format(printf, ...))) itself, which checkpatch flags
# wherever it appears; that one type is ignored in that one file.
checkpatch_attr_hdr=tools/include/axas-tools.h

checkpatch() {
	local all files=() f
	local cp=(perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict
		  --show-types --quiet --color=never)

	mapfile -t all < <(sources "${checkpatch_dirs[@]}" | grep -v "^$checkpatch_skip")
	if [ ${#all[@]} -eq 0 ]; then
		echo "checkpatch: no C files"
		return 0
	fi
	for f in "${all[@]}"; do
		[ "$f" = "$checkpatch_attr_hdr" ] || files+=("$f")
	done
	echo "checkpatch: --strict on ${#all[@]} files"
	# Exits non-zero on any ERROR, WARNING or (with --strict) CHECK.
	if [ ${#files[@]} -gt 0 ]; then
		(cd "$src" && "${cp[@]}" -f "${files[@]}")
	fi
	if [ ${#files[@]} -lt ${#all[@]} ]; then
		(cd "$src" && "${cp[@]}" --ignore PREFER_DEFINED_ATTRIBUTE_MACRO \
			-f "$checkpatch_attr_hdr")
	fi
	echo "checkpatch: clean"
}

kerneldoc() {
	local files out rc=0

	mapfile -t files < <(sources include drivers)
	if [ ${#files[@]} -eq 0 ]; then
		echo "kernel-doc: no C files"
		return 0
	fi
	echo "kernel-doc: -none -Wall on ${#files[@]} files"
	# kernel-doc's exit status counts only errors; warnings go to stderr.
	out=$(cd "$src" && perl "$ksrc/scripts/kernel-doc" -none -Wall "${files[@]}" 2>&1) || rc=$?
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	fi
	[ $rc -eq 0 ] && echo "kernel-doc: clean"
	return $rc
}

# Each uAPI header must stand alone as userspace sees it: against the
# system's <linux/types.h> (linux-libc-dev), as strict C90 and as C++.
# -Wpadded turns implicit padding, which the uAPI rules forbid, into an
# error.
uapi() {
	local hdr name rc=0
	local cflags=(-std=c90 -pedantic-errors -Wall -Wextra -Wpadded -Werror)
	local cxxflags=(-std=c++11 -pedantic-errors -Wall -Wextra -Wpadded -Werror)

	shopt -s nullglob
	local headers=("$src"/include/uapi/linux/*.h)
	if [ ${#headers[@]} -eq 0 ]; then
		echo "uapi-check: no headers in include/uapi/linux/ yet, skipped"
		echo "0 passed, 0 failed, 1 skipped"
		return 0
	fi
	for hdr in "${headers[@]}"; do
		name=linux/$(basename "$hdr")
		echo "uapi-check: $name as C90 and as C++"
		printf '#include <%s>\n' "$name" |
			gcc "${cflags[@]}" -I"$src/include/uapi" -fsyntax-only -x c - || rc=1
		printf '#include <%s>\n' "$name" |
			g++ "${cxxflags[@]}" -I"$src/include/uapi" -fsyntax-only -x c++ - || rc=1
	done
	uapi_magic || rc=1
	[ $rc -eq 0 ] && echo "uapi-check: clean"
	return $rc
}

# The ioctl magic byte of each header must be free in the kernel's own
# list of ioctl numbers: no line of its table may start with that code.
uapi_magic() {
	local list=$ksrc/Documentation/userspace-api/ioctl/ioctl-number.rst
	local hdr magic code rc=0

	for hdr in "$src"/include/uapi/linux/*.h; do
		magic=$(sed -nE 's/^#define [A-Z0-9_]+_IOCTL_MAGIC[[:space:]]+(0x[0-9A-Fa-f]{2})$/\1/p' "$hdr")
		[ -n "$magic" ] || continue
		code=0x$(echo "${magic#0x}" | tr a-f A-F)
		if grep -qiE "^$code[[:space:]]" "$list"; then
			echo "uapi-check: $(basename "$hdr"): ioctl magic $code is taken in ioctl-number.rst:"
			grep -iE "^$code[[:space:]]" "$list"
			rc=1
		else
			echo "uapi-check: $(basename "$hdr"): ioctl magic $code is free in ioctl-number.rst"
		fi
	done
	return $rc
}

ours() {
	local log=$1 dir=$2 line file path found=0

	while IFS= read -r line; do
		case $line in
		WARNING:*"$src/"* | ERROR:*"$src/"*)
			# modpost names the module by its absolute path.
			echo "$line"
			found=1
			continue
			;;
		esac
		# gcc and sparse: FILE:LINE[:COL]: warning|error: ...; kbuild
		# passes FILE relative to the directory make runs in.
		[[ $line =~ ^([^\ :]+):[0-9]+(:[0-9]+)?:\ (warning|error): ]] || continue
		file=${BASH_REMATCH[1]}
		[[ $file == /* ]] || file=$dir/$file
		path=$(realpath -m "$file")
		if [[ $path == "$src/"* && $path != "$build/"* ]]; then
			echo "${path#"$src/"}:${line#"${BASH_REMATCH[1]}:"}"
			found=1
		fi
	done < <(sed 's/\x1b\[[0-9;]*m//g' "$log")
	return $found
}

case ${1:-} in
ours)		[ $# -eq 3 ] || { echo "usage: $0 ours LOG DIR" >&2; exit 2; }
		ours "$2" "$(cd "$3" && pwd)"
		exit ;;
esac

"$top/scripts/prepare-kernel.sh"
case ${1:-} in
checkpatch)	checkpatch ;;
kerneldoc)	kerneldoc ;;
uapi)		uapi ;;
*)		echo "usage: $0 checkpatch|kerneldoc|uapi" >&2; exit 2 ;;
esac
