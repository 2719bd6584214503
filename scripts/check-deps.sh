#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/check-deps.sh [present|lint|packages]
#
# The project's external dependencies, from the one list of them,
# scripts/deps.list:
#   present   every listed command is on PATH and every listed file
#             exists; each one missing is named
#             with its Debian package
#   lint      the shell scripts, Makefiles and kunit.py QEMU configs call
#             no program that the list lacks (scripts/deps-lint.py)
#   packages  print the packages to install, one a line (scripts/setup.sh)
# Without an argument: present, a check that the lint finds programs
# planted in a script and a recipe, then lint (make check-deps); ends with
# "N passed, N failed" and exits non-zero if either failed. Needs only
# bash and coreutils for "present" and "packages", so that setup can use
# them on a bare machine.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
list=$top/scripts/deps.list

# entries: "WHAT PACKAGE" lines, comments and the notes after them gone.
entries() {
	local what pkg rest

	while read -r what pkg rest; do
		case $what in
		'' | '#'*) continue ;;
		esac
		[ -n "$pkg" ] || {
			echo "check-deps: $list: '$what' has no package" >&2
			exit 2
		}
		echo "$what $pkg"
	done <"$list"
}

packages() {
	entries | while read -r _ pkg; do
		[ "$pkg" = - ] || echo "$pkg"
	done | sort -u
}

# found WHAT: a command on PATH, or a file (a glob may stand for a
# versioned name).
found() {
	local what=$1 f

	case $what in
	/*)
		for f in $what; do
			[ -e "$f" ] && return 0
		done
		return 1
		;;
	esac
	command -v "$what" >/dev/null 2>&1
}

present() {
	local what pkg n=0 missing=0 status

	while read -r what pkg; do
		[ "$pkg" = - ] && continue
		n=$((n + 1))
		found "$what" && continue
		missing=$((missing + 1))
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		if [ "$status" = installed ]; then
			echo "check-deps: MISSING $what: Debian package $pkg is installed," \
			     "but $what is not on PATH (PATH=$PATH)"
		else
			echo "check-deps: MISSING $what: install Debian package $pkg" \
			     "(scripts/setup.sh, run by every make target, does)"
		fi
	done < <(entries)
	echo "check-deps: $((n - missing)) of $n programs and files present"
	[ "$missing" -eq 0 ]
}

# The files whose commands the lint reads: every shell script of the
# project (by its #! line), every Makefile, and kunit.py's QEMU configs.
lint_files() {
	local f

	(cd "$top" && find . -path ./build -prune -o -path ./.git -prune -o \
		-type f -print | sed 's|^\./||' | LC_ALL=C sort) |
	while IFS= read -r f; do
		case $f in
		Makefile | */Makefile | scripts/kunit-qemu/*.py)
			echo "$top/$f"
			continue
			;;
		esac
		if head -c 64 "$top/$f" 2>/dev/null | head -n 1 |
		   grep -qE '^#!.*[/ ](ba)?sh( |$)'; then
			echo "$top/$f"
		fi
	done
}

lint() {
	local files

	mapfile -t files < <(lint_files)
	(cd "$top" && python3 scripts/deps-lint.py "$list" "${files[@]#"$top/"}")
}

# The lint must be able to fail: a script and a recipe that call a
# program the list lacks, in the places a command can stand.
lint_selftest() {
	local tmp out rc=0

	tmp=$(mktemp -d)
	printf '#!/bin/bash\nx=$(date | axas-planted-a -q)\n[ -n "$x" ] && timeout -k 1 5 axas-planted-b\n' \
		>"$tmp/planted.sh"
	printf 'all:\n\t@axas-planted-c $(X)\n' >"$tmp/Makefile"
	out=$(python3 "$top/scripts/deps-lint.py" "$list" "$tmp/planted.sh" "$tmp/Makefile") && rc=1
	rm -rf "$tmp"
	for p in a b c; do
		grep -q ": axas-planted-$p is not in" <<<"$out" || rc=1
	done
	if [ "$rc" -eq 0 ]; then
		echo "check-deps: the lint finds the 3 programs planted in a script and a recipe"
	else
		echo "check-deps: FAIL: the lint missed a planted program:"
		echo "$out"
	fi
	return "$rc"
}

main() {
	local passed=0 failed=0

	case ${1:-} in
	packages) packages; return ;;
	present) present; return ;;
	lint) lint; return ;;
	'') ;;
	*) echo "usage: $0 [present|lint|packages]" >&2; exit 2 ;;
	esac

	if present; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	if ! command -v python3 >/dev/null; then
		echo "check-deps: MISSING python3: install Debian package python3; lint not run"
		failed=$((failed + 1))
	else
		if lint_selftest; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		if lint; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"; exit
