# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for x86_64: the stock config plus -cpu max, the
# only TCG CPU model with SVM *and* nested paging (NPT), and two vCPUs for
# the concurrency tests.

from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   # qboot (from qemu-system-data) boots faster than SeaBIOS.
			   extra_qemu_params=['-bios', 'qboot.rom',
					      '-cpu', 'max',
					      '-smp', '2'])
