/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: threads are always preemptible. */
#ifndef _AXAS_USER_LINUX_PREEMPT_H
#define _AXAS_USER_LINUX_PREEMPT_H

#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)

#endif
