#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/e2e.sh ARCH        (ARCH = x86_64 | arm64 | riscv)
#
# End-to-end test of the loadable module on a real 6.12 kernel in QEMU:
#   1. builds a small kernel (tinyconfig + scripts/e2e-config/) in
#      build/e2e-ARCH/obj, only when its configuration or source changed;
#   2. builds axaddrspace.ko against it from a copy of the module sources
#      (build/e2e-ARCH/mod), then the sample client drivers/axas-sample/;
#   3. builds the static test programs (tools/, the selftest and axasctl)
#      and /init (tools/testing/axas-e2e/init.c), packs an initramfs with
#      the kernel's own usr/gen_init_cpio;
#      On riscv it adds axas-vmm and the Linux guest that it boots
#      (scripts/build-guest.sh: a kernel and an initramfs of its own);
#   4. boots it: /init loads the modules, turns the sample's results into
#      TAP, runs the selftests, unloads everything, checks kmemleak and the
#      kernel log, prints "e2e-ARCH: N passed, N failed, N skipped" and
#      resets the machine (QEMU runs with -no-reboot, so it exits).
# The console goes to build/e2e-ARCH.log. The TAP lines of every part are
# counted from it; the script ends with "N passed, N failed, N skipped"
# and exits non-zero on any failure, a panic, a timeout or a missing
# closing line.
#
# Environment:
#   AXAS_BUILD     build directory (default: <repo>/build)
#   CCACHE_DIR     ccache directory (default: ~/.cache/axaddrspace-ccache)
#   JOBS           make -j (default: nproc)
#   E2E_TIMEOUT    seconds QEMU may run (default: 600 + 2 * FUZZ_S)
#   E2E_MODE       "demo": /init runs "axasctl demo" and "axas_vcpu_test -d"
#                  instead of the tests (what "make run" shows); "bench":
#                  only "axas_vcpu_test -b" (BENCH lines); "vcpu": the
#                  tests of axas_vcpu_test alone; "fuzz": the fuzzer
#                  axas_fuzz alone; "linux": the Linux guest alone
#                  (riscv); default: all the tests, the Linux guest
#                  (riscv), then the fuzzer
#   FUZZ_S         seconds of fuzzing (default: 30; 0: none)
#   FUZZ_SEED      the fuzzer's seed, to repeat a run (default: a new one)
#   FUZZ_FAIL      percent of slab and page allocations to fail in the
#                  fuzzer's second phase (a kernel with FAILSLAB and
#                  FAIL_PAGE_ALLOC; default: 5 on the kasan variant, which
#                  has them, none elsewhere)
#   E2E_VARIANT    "kasan": the kernel with scripts/e2e-config/kasan.config
#                  on top (KASAN, UBSAN, KFENCE, fault injection), built
#                  in build/e2e-ARCH-kasan; "kcsan": kcsan.config (KCSAN),
#                  in build/e2e-ARCH-kcsan; default: the plain kernel
#   E2E_APPEND     more kernel command line
#   E2E_QUIET      1: do not copy the console to stdout (it is in the log)
#   E2E_LOG        console log (default: build/e2e-ARCH[-VARIANT].log,
#                  and build/e2e-x86_64-bochs.log under Bochs)
#   E2E_EMU        "bochs" (x86_64 only): boot the same kernel and
#                  initramfs in Bochs, which emulates Intel VMX with EPT
#                  (QEMU's TCG does not), from an isolinux ISO (Bochs has
#                  no -kernel); /init stops Bochs through its port 0x8900.
#                  Default: QEMU (AMD SVM with NPT on x86_64)

set -euo pipefail

usage() {
	echo "usage: $0 x86_64|arm64|riscv" >&2
	exit 2
}

say() {
	echo "e2e: ${tag:-$arch}: $*"
}

# A failure before the boot: say so, print the closing line and stop.
die() {
	echo "e2e: $arch: $*" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# Configure the kernel in $kobj: tinyconfig plus the fragments, then check
# that every line of the fragments made it into .config.
configure_kernel() {
	local frag line opt val missing=0

	say "configuring $kobj (tinyconfig + ${frags[*]##*/})"
	make -s "${kmake[@]}" tinyconfig || die "make tinyconfig failed"
	cat "${frags[@]}" >>"$kobj/.config"
	# Every fragment line overrides a tinyconfig one: not news.
	make -s "${kmake[@]}" olddefconfig 2>&1 | { grep -v 'override: reassigning' || true; } ||
		die "make olddefconfig failed"

	for frag in "${frags[@]}"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				opt=${line%%=*} val=${line#*=}
				grep -qxF "$opt=$val" "$kobj/.config" && continue
				echo "e2e: $arch: $opt=$val did not stick: .config has" \
					"'$(grep -E "^(# )?${opt}[= ]" "$kobj/.config" || echo nothing)'" >&2
				missing=1
				;;
			"# CONFIG_"*" is not set")
				opt=${line#\# } opt=${opt%% *}
				grep -qE "^$opt=[ym]$" "$kobj/.config" || continue
				echo "e2e: $arch: $opt should be off: .config has" \
					"'$(grep -E "^$opt=" "$kobj/.config")'" >&2
				missing=1
				;;
			esac
		done <"$frag"
	done
	[ "$missing" -eq 0 ] || die "kernel configuration failed (see above; ${frags[*]})"
}

# Build the kernel unless the stamp says this configuration and source were
# already built. Only the boot image: the in-tree modules that the
# configuration may enable are never loaded, so Module.symvers for the
# out-of-tree modules is vmlinux's own.
build_kernel() {
	local want start

	want="recipe=1 arch=$arch image=$image
$(cat "$build/.linux-source-6.12.stamp") $ksrc
$(${cross}gcc --version | head -n 1)
$(cat "${frags[@]}")"
	if [ -f "$kstamp" ] && [ "$(cat "$kstamp")" = "$want" ] &&
	   [ -f "$kobj/$image" ] && [ -f "$kobj/Module.symvers" ]; then
		say "kernel up to date ($kobj/$image)"
		return 0
	fi

	start=$SECONDS
	rm -f "$kstamp"
	mkdir -p "$kobj"
	configure_kernel
	say "building the kernel (make -j$jobs ${image##*/} modules_prepare)"
	make -s "${kmake[@]}" "${image##*/}" modules_prepare ||
		die "kernel build failed"
	cp "$kobj/vmlinux.symvers" "$kobj/Module.symvers"
	echo "$want" >"$kstamp"
	say "kernel built in $((SECONDS - start)) s"
}

# axaddrspace.ko from a copy of the sources (kbuild writes objects next to
# them), then the sample client against its Module.symvers.
build_modules() {
	local start=$SECONDS

	mkdir -p "$mod"
	# Only changed files are copied, with the time of the copy (see
	# kunit.sh). Build products of the main tree stay out; the ones made
	# here are excluded from --delete, so the build is incremental.
	rsync -rlpD --checksum --delete \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.a' --exclude=modules.order \
		--exclude=Module.symvers --exclude='.*.d' \
		"$src/Kbuild" "$src/drivers" "$src/include" "$src/kunit" "$mod/"

	# W=1 and sparse on this architecture too: "make sparse" covers
	# x86_64 only, and the vCPU code differs per architecture.
	say "building axaddrspace.ko (W=1, sparse C=2)"
	make -s "${mmake[@]}" M="$mod" CONFIG_AXADDRSPACE=m W=1 C=2 \
		CHECK="$src/scripts/sparse-cross.sh" \
		KCFLAGS="-DCONFIG_AXADDRSPACE_MODULE=1 ${KCFLAGS:-}" modules \
		>"$edir/modules.log" 2>&1 || {
		cat "$edir/modules.log" >&2
		die "axaddrspace.ko build failed"
	}
	if ! AXAS_SRC=$mod AXAS_BUILD=$ksrc "$src/scripts/lint.sh" ours \
		"$edir/modules.log" "$kobj"; then
		die "axaddrspace.ko: compiler or sparse findings (above)"
	fi

	rm -f "$edir/skip-sample"
	if [ -d "$mod/drivers/axas-sample" ]; then
		say "building axas_sample.ko"
		make -s "${mmake[@]}" M="$mod/drivers/axas-sample" \
			KBUILD_EXTRA_SYMBOLS="$mod/Module.symvers" \
			KCFLAGS="${KCFLAGS:-}" modules ||
			die "axas_sample.ko build failed"
	else
		say "SKIP axas_sample.ko: drivers/axas-sample/ does not exist yet"
		echo "drivers/axas-sample/ does not exist yet" >"$edir/skip-sample"
	fi
	say "modules built in $((SECONDS - start)) s"
}

# The static userspace: /init, and the selftests and VMM tool from tools/.
build_userspace() {
	local start=$SECONDS prog progs

	say "building /init"
	"${cross}gcc" -static -Os -Wall -Wextra -Werror \
		-DE2E_NAME="\"e2e-$tag\"" \
		-o "$edir/init" "$src/tools/testing/axas-e2e/init.c" ||
		die "/init build failed"

	rm -f "$edir/skip-tools" "$edir/axas_test" "$edir/axas_vcpu_test" "$edir/axasctl" \
		"$edir/axas_fuzz" "$edir/axas-vmm"
	if [ -f "$src/tools/Makefile" ]; then
		say "building the selftests and axasctl (make -C tools)"
		make -s -C "$src/tools" ARCH="$arch" CROSS_COMPILE="$cross" \
			OUT="$edir/tools" -j"$jobs" ||
			die "tools build failed"
		progs=(axas_test axas_vcpu_test axasctl axas_fuzz)
		[ "$arch" = riscv ] && progs+=(axas-vmm)
		for prog in "${progs[@]}"; do
			found=$(find "$edir/tools" -type f -name "$prog" -perm -u+x | head -n 1)
			if [ -n "$found" ]; then
				ln -f "$found" "$edir/$prog"
			else
				say "tools/ built no $prog"
			fi
		done
	else
		say "SKIP selftest: tools/Makefile does not exist yet"
		echo "tools/Makefile does not exist yet" >"$edir/skip-tools"
	fi
	# The Linux guest that axas-vmm boots: riscv64, plain kernel only (a
	# sanitizer host would take many minutes over it).
	guest=
	if [ "$arch" = riscv ] && [ -z "$variant" ] && [ -f "$edir/axas-vmm" ]; then
		"$src/scripts/build-guest.sh" riscv || die "the Linux guest's build failed"
		guest=$build/guest-riscv
	fi
	say "userspace built in $((SECONDS - start)) s"
}

pack_initramfs() {
	local list=$edir/initramfs.list

	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /tmp 1777 0 0"
		echo "dir /bin 0755 0 0"
		echo "dir /etc 0755 0 0"
		echo "dir /etc/axas-e2e 0755 0 0"
		echo "dir /lib 0755 0 0"
		echo "dir /lib/modules 0755 0 0"
		echo "file /init $edir/init 0755 0 0"
		echo "file /lib/modules/axaddrspace.ko $mod/axaddrspace.ko 0644 0 0"
		[ -f "$mod/drivers/axas-sample/axas_sample.ko" ] &&
			echo "file /lib/modules/axas_sample.ko $mod/drivers/axas-sample/axas_sample.ko 0644 0 0"
		[ -f "$edir/skip-sample" ] &&
			echo "file /etc/axas-e2e/skip-sample $edir/skip-sample 0644 0 0"
		[ -f "$edir/skip-tools" ] &&
			echo "file /etc/axas-e2e/skip-tools $edir/skip-tools 0644 0 0"
		[ -f "$edir/axas_test" ] &&
			echo "file /bin/axas_test $edir/axas_test 0755 0 0"
		[ -f "$edir/axas_vcpu_test" ] &&
			echo "file /bin/axas_vcpu_test $edir/axas_vcpu_test 0755 0 0"
		[ -f "$edir/axasctl" ] &&
			echo "file /bin/axasctl $edir/axasctl 0755 0 0"
		[ -f "$edir/axas_fuzz" ] &&
			echo "file /bin/axas_fuzz $edir/axas_fuzz 0755 0 0"
		if [ -n "$guest" ]; then
			echo "file /bin/axas-vmm $edir/axas-vmm 0755 0 0"
			echo "dir /lib/axas-guest 0755 0 0"
			echo "file /lib/axas-guest/Image $guest/obj/arch/riscv/boot/Image 0644 0 0"
			echo "file /lib/axas-guest/initramfs.cpio $guest/initramfs.cpio 0644 0 0"
		fi
		true
	} >"$list"
	"$kobj/usr/gen_init_cpio" "$list" >"$edir/initramfs.cpio" ||
		die "gen_init_cpio failed"
}

# Count the TAP lines of the console log (all parts: /init's own, the
# sample's, the selftest's; only lines at the start of a line, so nested
# subtests are not counted twice).
count_tap() {
	awk '
	/^(not )?ok( [0-9]+)?( |$)/ {
		if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/ || ($1 == "not" && $0 ~ /#[ \t]*TODO/))
			s++
		else if ($1 == "not")
			f++
		else
			p++
	}
	END { printf "%d %d %d\n", p, f, s }' "$1"
}

run_qemu() {
	local rc cmdline

	# /init gives the selftest somewhat less time than QEMU gets, so that a
	# hung selftest is reported as such.
	cmdline="$kargs panic=-1 slub_debug=FZP axas.timeout=$((timeout > 120 ? timeout - 60 : timeout / 2))"
	[ -n "${E2E_MODE:-}" ] && cmdline+=" axas.mode=$E2E_MODE"
	cmdline+=$fuzz_args
	[ -n "${E2E_APPEND:-}" ] && cmdline+=" $E2E_APPEND"
	qemu+=(-nodefaults -m 1024 -smp 2 -no-reboot -nographic -serial stdio
	       -kernel "$kobj/$image" -initrd "$edir/initramfs.cpio"
	       -append "$cmdline")

	say "booting: ${qemu[*]}"
	start=$SECONDS
	set +e
	if [ "${E2E_QUIET:-0}" = 1 ]; then
		timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1 |
			sed -u 's/\r//g' >"$log"
	else
		timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1 |
			sed -u 's/\r//g' | tee "$log"
	fi
	rc=${PIPESTATUS[0]}
	set -e
	run_secs=$((SECONDS - start))
	qemu_rc=$rc
}

# The same kernel and initramfs in Bochs: an isolinux ISO, a generated
# bochsrc (Bochs expands no variables), the serial console in a file.
# Bochs exits with status 1 after /init's "Shutdown"; a panic reboots the
# machine, so a watcher stops Bochs when the console shows one.
run_bochs() {
	local bdir=$edir/bochs cmdline serial rc pid n megs

	cmdline="$kargs,115200 panic=-1 slub_debug=FZP axas.emu=bochs"
	cmdline+=" axas.timeout=$((timeout > 120 ? timeout - 60 : timeout / 2))"
	[ -n "${E2E_MODE:-}" ] && cmdline+=" axas.mode=$E2E_MODE"
	cmdline+=$fuzz_args
	[ -n "${E2E_APPEND:-}" ] && cmdline+=" $E2E_APPEND"

	rm -rf "$bdir"
	mkdir -p "$bdir/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		"$bdir/iso/isolinux/" || die "isolinux is missing (make setup)"
	cp "$kobj/$image" "$bdir/iso/bzimage"
	cp "$edir/initramfs.cpio" "$bdir/iso/initrd"
	cat >"$bdir/iso/isolinux/isolinux.cfg" <<-EOF
	default e2e
	prompt 0
	timeout 0
	label e2e
	  kernel /bzimage
	  initrd /initrd
	  append $cmdline
	EOF
	xorriso -as mkisofs -quiet -o "$bdir/e2e.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table "$bdir/iso" || die "xorriso failed"

	serial=$bdir/serial.log
	# kmemleak's scans take minutes per GiB under Bochs; axas_test's
	# max_space_mb cases need the GiB that QEMU gets.
	megs=1024
	[ "${E2E_MODE:-}" = vcpu ] && megs=512
	# corei7_skylake_x: VMX with EPT, EPT A/D bits and 1 GiB EPT pages.
	# With sync=none, guest time follows the instruction count, and a
	# lower ips boots faster in wall time.
	cat >"$bdir/bochsrc" <<-EOF
	megs: $megs
	cpu: model=corei7_skylake_x, count=2, ips=25000000
	clock: sync=none
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
	ata0-master: type=cdrom, path=$bdir/e2e.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$serial
	display_library: rfb, options="timeout=0"
	speaker: enabled=0
	sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
	log: $bdir/bochs.log
	panic: action=fatal
	error: action=ignore
	info: action=ignore
	debug: action=ignore
	EOF
	echo c >"$bdir/cmds"

	bochs=(bochs -q -f "$bdir/bochsrc" -rc "$bdir/cmds")
	# Its display server listens on a port: a network namespace of its
	# own keeps two runs apart.
	if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
		bochs=(unshare -n "${bochs[@]}")
	fi
	say "booting: ${bochs[*]} (append $cmdline)"
	: >"$serial"
	start=$SECONDS
	timeout -k 10 "$timeout" "${bochs[@]}" </dev/null >"$bdir/bochs.out" 2>&1 &
	pid=$!
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if grep -q 'Kernel panic - not syncing' "$serial"; then
			sleep 2
			kill "$pid" 2>/dev/null || true
			break
		fi
		if [ "${E2E_QUIET:-0}" != 1 ]; then
			sed -n "$((n + 1)),\$p" "$serial" | sed 's/\r//g'
			n=$(wc -l <"$serial")
		fi
	done
	set +e
	wait "$pid"
	rc=$?
	set -e
	run_secs=$((SECONDS - start))
	[ "${E2E_QUIET:-0}" != 1 ] && sed -n "$((n + 1)),\$p" "$serial" | sed 's/\r//g'
	sed 's/\r//g' "$serial" >"$log"
	# "Shutdown" makes Bochs exit with 1: the log says whether it came.
	if [ "$rc" -eq 1 ] && grep -qE "^e2e-$tag: [0-9]+ passed" "$log"; then
		rc=0
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then
		say "Bochs exited with $rc; its output:"
		tail -n 20 "$bdir/bochs.out" >&2
	fi
	qemu_rc=$rc
}

main() {
	[ $# -eq 1 ] || usage
	arch=$1
	case $arch in
	x86|x86_64)
		arch=x86_64 cross='' karch=x86_64 image=arch/x86/boot/bzImage
		kargs="console=ttyS0"
		# qboot (from qemu-system-data) boots faster than SeaBIOS and has
		# the MP table the non-ACPI kernel starts the second CPU from.
		qemu=(qemu-system-x86_64 -bios qboot.rom -cpu max)
		;;
	arm64)
		arch=arm64 cross=aarch64-linux-gnu- karch=arm64
		image=arch/arm64/boot/Image kargs="console=ttyAMA0 earlycon"
		# shellcheck disable=SC2054 # commas inside QEMU options
		qemu=(qemu-system-aarch64 -machine virt,virtualization=on
		      -cpu max,lpa2=off,pauth-impdef=on)
		;;
	riscv)
		arch=riscv cross=riscv64-linux-gnu- karch=riscv
		image=arch/riscv/boot/Image kargs="console=ttyS0 earlycon"
		# shellcheck disable=SC2054 # commas inside QEMU options
		qemu=(qemu-system-riscv64 -machine virt -cpu rv64,h=true
		      -bios /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin)
		;;
	*)	usage ;;
	esac

	top=$(cd "$(dirname "$0")/.." && pwd)
	src=$top
	build=${AXAS_BUILD:-$top/build}
	variant=${E2E_VARIANT:-}
	case $variant in
	''|kasan|kcsan) ;;
	*)	die "E2E_VARIANT=$variant: kasan, kcsan or nothing" ;;
	esac
	tag=$arch${variant:+-$variant}
	edir=$build/e2e-$tag
	kobj=$edir/obj
	kstamp=$kobj/.axas-e2e.stamp
	mod=$edir/mod
	emu=${E2E_EMU:-qemu}
	case $emu in
	qemu)	log=${E2E_LOG:-$build/e2e-$tag.log} ;;
	bochs)	[ "$arch" = x86_64 ] || die "E2E_EMU=bochs is for x86_64 only"
		log=${E2E_LOG:-$build/e2e-$tag-bochs.log} ;;
	*)	die "E2E_EMU=$emu: qemu or bochs" ;;
	esac
	jobs=${JOBS:-$(nproc)}
	fuzz_s=${FUZZ_S:-30}
	fuzz_args=" axas.fuzz_s=$fuzz_s"
	[ -n "${FUZZ_SEED:-}" ] && fuzz_args+=" axas.fuzz_seed=$FUZZ_SEED"
	# The kasan kernel has fault injection: the fuzzer's second phase
	# fails 5% of its allocations unless FUZZ_FAIL says otherwise.
	fuzz_fail=${FUZZ_FAIL:-}
	[ -z "$fuzz_fail" ] && [ "$variant" = kasan ] && fuzz_fail=5
	[ -n "$fuzz_fail" ] && fuzz_args+=" axas.fuzz_fail=$fuzz_fail"
	# The fuzzer's phases come on top of the tests.
	timeout=${E2E_TIMEOUT:-$((600 + 2 * fuzz_s))}
	frags=("$top/scripts/e2e-config/common.config" "$top/scripts/e2e-config/$arch.config")
	[ -n "$variant" ] && frags+=("$top/scripts/e2e-config/$variant.config")
	# and what the variant needs on this architecture alone, if anything
	[ -n "$variant" ] && [ -f "$top/scripts/e2e-config/$variant-$arch.config" ] &&
		frags+=("$top/scripts/e2e-config/$variant-$arch.config")

	"$top/scripts/prepare-kernel.sh"
	mkdir -p "$edir"

	# One run per architecture at a time; released when this script exits.
	exec 9>"$build/.e2e-$tag.lock"
	if ! flock -n 9; then
		say "waiting for another run in $edir"
		flock 9
	fi

	# An O= build needs a source tree without an in-tree configuration;
	# should someone have configured the pristine tree, build from a
	# hard-linked copy of it instead (kept apart from kunit's copies).
	ksrc=$build/linux-source-6.12
	if [ -e "$ksrc/.config" ] || [ -d "$ksrc/include/config" ]; then
		ksrc=$build/e2e-src
		if [ ! -f "$ksrc/.axas-scratch-tree" ] ||
		   [ "$(cat "$ksrc/.axas-scratch-tree")" != "$(cat "$build/.linux-source-6.12.stamp")" ]; then
			say "$build/linux-source-6.12 has an in-tree .config: making $ksrc"
			rm -rf "$ksrc" "$ksrc.tmp"
			cp -al "$build/linux-source-6.12" "$ksrc.tmp"
			rm -rf "$ksrc.tmp/.config" "$ksrc.tmp/include/config" \
				"$ksrc.tmp/include/generated" "$ksrc.tmp/arch/"*/include/generated
			cat "$build/.linux-source-6.12.stamp" >"$ksrc.tmp/.axas-scratch-tree"
			mv "$ksrc.tmp" "$ksrc"
		fi
	fi

	# Variables given to an outer make (make e2e ARCH=..., CC=...) would reach
	# the kernel build through MAKEFLAGS; this script passes what it means.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# ccache hashes the locale variables: fix them so that runs from different
	# shells and CI share cache entries (and messages are plain ASCII).
	export LANG=C LC_ALL=C
	unset LC_CTYPE LC_MESSAGES
	export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/axaddrspace-ccache}
	export CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=true
	kmake=(-C "$ksrc" O="$kobj" ARCH="$karch" CROSS_COMPILE="$cross"
	       CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$jobs")
	mmake=(-C "$kobj" ARCH="$karch" CROSS_COMPILE="$cross"
	       CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$jobs")

	start_all=$SECONDS
	build_kernel
	build_modules
	build_userspace
	pack_initramfs
	build_secs=$((SECONDS - start_all))

	if [ "$emu" = bochs ]; then
		run_bochs
	else
		run_qemu
	fi

	# The verdict, from the console log.
	read -r passed failed skipped < <(count_tap "$log")
	problems=()
	closing=$(grep -E "^e2e-$tag: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$log" |
		  tail -n 1 || true)
	emu_name=QEMU
	[ "$emu" = bochs ] && emu_name=Bochs
	if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
		problems+=("$emu_name timed out after $timeout s")
	elif [ "$qemu_rc" -ne 0 ]; then
		problems+=("$emu_name exited with status $qemu_rc")
	fi
	if grep -qE 'Kernel panic - not syncing' "$log"; then
		problems+=("kernel panic: $(grep -m1 -E 'Kernel panic - not syncing' "$log")")
	fi
	if [ -z "$closing" ]; then
		problems+=("no closing line 'e2e-$tag: N passed, N failed, N skipped' from /init")
	elif [ "${closing#*: }" != "$passed passed, $failed failed, $skipped skipped" ]; then
		# Lost or mangled console output.
		problems+=("/init counted '${closing#*: }' but the log has $passed passed, $failed failed, $skipped skipped")
	fi
	# A sanitizer that the configuration has but the boot did not start
	# would pass everything.
	# riscv prints no such line: there scripts/check-kasan-plant.sh
	# (a planted use-after-free that KASAN must catch) is the proof.
	if [ "$variant" = kasan ] && [ "$arch" != riscv ] && ! grep -q 'KernelAddressSanitizer initialized' "$log"; then
		problems+=("KASAN did not start (no 'KernelAddressSanitizer initialized' in the boot log)")
	fi
	if [ "$variant" = kcsan ] && ! grep -q 'kcsan: enabled early' "$log"; then
		problems+=("KCSAN did not start (no 'kcsan: enabled early' in the boot log)")
	fi
	# The Stage-2 code needs the kernel at EL2 (QEMU's virtualization=on).
	if [ "$arch" = arm64 ] && ! grep -q 'CPU features: detected: Virtualization Host Extensions' "$log"; then
		problems+=("the kernel did not run at EL2 with VHE (no 'Virtualization Host Extensions' in the boot log)")
	fi
	if [ $((passed + failed + skipped)) -eq 0 ]; then
		problems+=("no TAP line in the log")
	fi

	echo
	say "build $build_secs s, boot and run $run_secs s in $emu_name; console log in $log"
	if grep -qE '^not ok' "$log"; then
		say "failing tests:"
		grep -E '^not ok' "$log" | grep -vE '#[[:space:]]*(SKIP|TODO)' | sed 's/^/  /' || true
	fi
	for p in "${problems[@]}"; do
		say "FAIL: $p"
	done
	failed=$((failed + ${#problems[@]}))
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# On one line: bash has read all of it before running main, so an edit to
# this file during a run cannot change what runs after main returns.
main "$@"; exit
