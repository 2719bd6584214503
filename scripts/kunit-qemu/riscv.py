# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for riscv (64-bit). rv64 has the H extension on
# by default, so the kernel runs in HS-mode and may use hgatp and
# HFENCE.GVMA. OpenSBI comes from Debian's qemu-system-data.

import os.path
import sys

from ..qemu_config import QemuArchParams

OPENSBI_PATH = '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin'

if not os.path.isfile(OPENSBI_PATH):
	sys.exit(OPENSBI_PATH + ' not found: run scripts/setup.sh')

QEMU_ARCH = QemuArchParams(linux_arch='riscv',
			   kconfig='''
CONFIG_ARCH_VIRT=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_SERIAL_OF_PLATFORM=y
CONFIG_RISCV_SBI_V01=y
CONFIG_SERIAL_EARLYCON_RISCV_SBI=y''',
			   qemu_arch='riscv64',
			   kernel_path='arch/riscv/boot/Image',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-machine', 'virt',
					      '-cpu', 'rv64,h=true',
					      '-smp', '2',
					      '-bios', OPENSBI_PATH])
