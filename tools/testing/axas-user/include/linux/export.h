/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: a userspace program has no symbol table to export into. */
#ifndef _AXAS_USER_LINUX_EXPORT_H
#define _AXAS_USER_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS(sym, ns)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)

#endif
