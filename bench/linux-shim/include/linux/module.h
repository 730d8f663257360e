/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#define EXPORT_SYMBOL(sym) extern int fm_linux_shim_unused
#define EXPORT_SYMBOL_GPL(sym) extern int fm_linux_shim_unused
#define MODULE_LICENSE(text) extern int fm_linux_shim_unused
#define MODULE_AUTHOR(text) extern int fm_linux_shim_unused
#define MODULE_DESCRIPTION(text) extern int fm_linux_shim_unused
