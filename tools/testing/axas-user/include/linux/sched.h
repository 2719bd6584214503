/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the scheduler preempts threads by itself. */
#ifndef _AXAS_USER_LINUX_SCHED_H
#define _AXAS_USER_LINUX_SCHED_H

#define cond_resched()	do { } while (0)

#endif
