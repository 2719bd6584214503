/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim of <linux/string.h>. */
#ifndef _AXAS_USER_LINUX_STRING_H
#define _AXAS_USER_LINUX_STRING_H

#include <string.h>

#endif
