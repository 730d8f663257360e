/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the NAND bus model (fm-nand-bus.h): state the tests and the
 * guest-boundary fuzzer check, which no frontend needs.
 */
#pragma once

#include "fm-nand-bus.h"

G_BEGIN_DECLS

/* How many plane addresses multi-plane 11h and D1h cycles hold for the
 * final 10h, 15h or D0h. */
guint fm_nand_bus_queued_planes (const FmNandBus *bus);

G_END_DECLS
