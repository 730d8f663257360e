/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libflashmodel: software models of real NAND flash chips. */
#pragma once

#include "fm-campaign.h"
#include "fm-chip-desc.h"
#include "fm-clock.h"
#include "fm-crc.h"
#include "fm-dump.h"
#include "fm-digest.h"
#include "fm-ecc.h"
#include "fm-error.h"
#include "fm-image.h"
#include "fm-journal.h"
#include "fm-nand.h"
#include "fm-nand-bus.h"
#include "fm-nand-host.h"
#include "fm-faults.h"
#include "fm-bit-errors.h"
#include "fm-on-die-ecc.h"
#include "fm-onfi.h"
#include "fm-powercut.h"
#include "fm-prng.h"
#include "fm-replay.h"
