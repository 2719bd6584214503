#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse for kbuild's CHECK=, on every architecture the e2e kernels build
# for. Debian 12's sparse 0.6.4 rejects the RISC-V -march string of a 6.12
# build ("rv64imac_zicsr_zifencei": it does not know the Z extensions),
# so the extensions after the base ISA are dropped; sparse needs the base
# only for the sizes of types. Every other argument goes through as is.

args=()
for a in "$@"; do
	case $a in
	-march=rv*_*) a=${a%%_*} ;;
	esac
	args+=("$a")
done
exec sparse "${args[@]}"
