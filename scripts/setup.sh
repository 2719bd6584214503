#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package the build and test harness needs.
# Idempotent: apt-get runs only when something is missing. Works as root
# without a tty (CI) and through sudo otherwise.

set -euo pipefail

# The less obvious ones:
#   qemu-system-data: qboot.rom, the x86 option ROMs and OpenSBI's
#     opensbi-riscv64-generic-fw_dynamic.bin (the qemu -bios default for
#     riscv virt); seabios: bios-256k.bin, the default x86 firmware.
#   g++, linux-libc-dev: the uAPI header is compiled as C and C++ against
#     the system's <linux/types.h>.
#   linux-headers-amd64: Debian's default kernel's headers (6.1), which
#     the module must also build against (make headers-6.1).
#   libc6-dev-*-cross: static glibc for the test programs that the
#     end-to-end initramfs holds (scripts/e2e.sh).
#   bochs, bochsbios, vgabios: Bochs emulates Intel VMX with EPT, which
#     QEMU's TCG does not (E2E_EMU=bochs scripts/e2e.sh x86_64);
#     xorriso, isolinux, syslinux-common: the boot ISO it needs, as Bochs
#     has no -kernel option.
packages=(
	linux-source-6.12 xz-utils linux-headers-amd64
	make gcc g++ linux-libc-dev bc flex bison libelf-dev libssl-dev cpio
	rsync util-linux python3 perl ccache sparse
	gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu
	libc6-dev-arm64-cross libc6-dev-riscv64-cross
	qemu-system-x86 qemu-system-arm qemu-system-misc qemu-system-data
	seabios
	bochs bochsbios vgabios xorriso isolinux syslinux-common
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=(sudo)
fi

echo "setup: installing: ${missing[*]}"
# env, not export: sudo would drop an exported DEBIAN_FRONTEND.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q)
"${apt[@]}" update
"${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null
echo "setup: done"
