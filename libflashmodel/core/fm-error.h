/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error domain shared by every flashmodel module. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_ERROR (fm_error_quark ())
GQuark fm_error_quark (void);

typedef enum {
  FM_ERROR_DESCRIPTOR,      /* a chip descriptor file is invalid */
  FM_ERROR_NOT_FOUND,       /* no chip by that name */
  FM_ERROR_UNSUPPORTED,     /* valid, but this version cannot model it */
  FM_ERROR_IMAGE_CORRUPT,   /* an image file fails its checks */
  FM_ERROR_IMAGE_MISMATCH,  /* an image made for another chip or geometry */
  FM_ERROR_IO,              /* the host file system failed */
  FM_ERROR_OUT_OF_RANGE,    /* block, page or column beyond the chip */
  FM_ERROR_PROGRAM_FAILED,  /* the chip reported FAIL for a program */
  FM_ERROR_ERASE_FAILED,    /* the chip reported FAIL for an erase */
  FM_ERROR_WRITE_PROTECTED, /* WP# is asserted */
  FM_ERROR_INVALID,         /* an argument or option value is not valid */
  FM_ERROR_JOURNAL_CORRUPT, /* a journal fails its checks */
  FM_ERROR_POWER_OFF,       /* a power cut happened: the chip is unpowered */
  FM_ERROR_DUMP_FORMAT,     /* a NAND dump does not fit the chip or its format */
  FM_ERROR_STATS_FORMAT,    /* a statistics file (CSV, JSON) is not in its format */
} FmError;

G_END_DECLS
