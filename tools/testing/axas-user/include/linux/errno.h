/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/errno.h>: the kernel's errno values are the
 * uapi ones. (glibc's <errno.h> includes <linux/errno.h> too and lands
 * here, so this must not include <errno.h> itself.)
 */
#ifndef _AXAS_USER_LINUX_ERRNO_H
#define _AXAS_USER_LINUX_ERRNO_H

#include <asm/errno.h>

#endif
