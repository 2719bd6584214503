# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for arm64. Unlike the stock config, the machine
# has virtualization=on so that the kernel is entered at EL2 and (with VHE)
# stays there: Stage-2 TLBI and the EL2 system registers are UNDEFINED at
# EL1. lpa2=off keeps 4K-granule descriptors in the classic 48-bit format.

from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
			   kconfig='''
CONFIG_SERIAL_AMBA_PL010=y
CONFIG_SERIAL_AMBA_PL010_CONSOLE=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y''',
			   qemu_arch='aarch64',
			   kernel_path='arch/arm64/boot/Image.gz',
			   kernel_command_line='console=ttyAMA0',
			   extra_qemu_params=['-machine', 'virt,virtualization=on',
					      '-cpu', 'max,lpa2=off,pauth-impdef=on',
					      '-smp', '2'])
