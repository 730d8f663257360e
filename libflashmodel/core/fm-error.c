/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-error.h"

G_DEFINE_QUARK (flashmodel-error-quark, fm_error)
