/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hynix 1x nm MLC read retry, as Linux 6.1's nand_hynix.c drives it
 * ([read-retry] mechanism=hynix-otp):
 *   - READ ID at address 40h answers "JEDEC", and ID byte 5 bits 7:4 are 4
 *     (1x nm): Linux then reads the retry table from OTP;
 *   - SET PARAMETERS 36h opens a register session: each address cycle
 *     selects a register, the data cycle after it writes the register;
 *     APPLY 16h applies what was written;
 *   - register 38h = 52h applied, then 17h, 04h, 19h: the next READ PAGE of
 *     row 21Fh (or 200h, Linux's second entry) returns the OTP area: 8
 *     copies of the mode count, 8 of the register count, then 8 times the
 *     table (modes x registers, mode 0 first) and its bitwise inverse;
 *     38h = 00h applied (or RESET) leaves OTP mode;
 *   - a retry mode is the table's row written to the eight registers
 *     CCh, BFh, AAh, ABh, CDh, ADh, AEh, AFh after 36h, then 16h.
 * NOT SOURCED (no Hynix datasheet at hand): what the registers mean. The
 * model: the first registers, one per read reference (lowest first), hold
 * its shift as a signed byte in FM_HYNIX_RR_STEP_MV units; the others are
 * written 00h in the table and move nothing. Also not sourced: the OTP
 * data being clean (no bit errors in the copies), that RESET leaves OTP
 * mode and keeps the registers, and that reads in OTP mode of other rows
 * return FFh.
 */
#pragma once

#include <glib.h>

#include "fm-chip-desc.h"

G_BEGIN_DECLS

#define FM_HYNIX_ID 0xad
#define FM_HYNIX_CMD_SET_PARAMS 0x36
#define FM_HYNIX_CMD_APPLY_PARAMS 0x16
/* The three commands nand_hynix.c sends to enter OTP mode, in order. */
#define FM_HYNIX_CMD_OTP_1 0x17
#define FM_HYNIX_CMD_OTP_2 0x04
#define FM_HYNIX_CMD_OTP_3 0x19
#define FM_HYNIX_REG_OTP 0x38
#define FM_HYNIX_REG_OTP_ENTER 0x52
/* The rows Linux reads the OTP area at, and how much it reads. */
#define FM_HYNIX_OTP_ROW 0x21f
#define FM_HYNIX_OTP_ROW_ALT 0x200
#define FM_HYNIX_OTP_SIZE 784
#define FM_HYNIX_RR_REPEAT 8
#define FM_HYNIX_RR_REGS 8
/* The shift one register unit makes (the model's, see above). */
#define FM_HYNIX_RR_STEP_MV 5
/* Levels whose table fits the 784 bytes Linux reads: 16 + 16 x levels x 8. */
#define FM_HYNIX_RR_MAX_LEVELS ((FM_HYNIX_OTP_SIZE - 2 * FM_HYNIX_RR_REPEAT) / (2 * FM_HYNIX_RR_REPEAT * FM_HYNIX_RR_REGS))

/* Linux's hynix_1xnm_mlc_read_retry_regs, in table order. */
extern const guint8 fm_hynix_rr_regs[FM_HYNIX_RR_REGS];

/* One die's register session and OTP state. */
typedef struct {
  gboolean session;            /* inside 36h .. 16h */
  gint selected;               /* register the last address cycle chose; -1: none */
  guint8 written[FM_HYNIX_RR_REGS]; /* the retry registers, as written */
  guint8 applied[FM_HYNIX_RR_REGS]; /* as the last 16h applied them */
  guint8 otp_reg;              /* register 38h, as written */
  gboolean otp_armed;          /* 38h = 52h applied */
  guint otp_steps;             /* of 17h, 04h, 19h seen in order */
  gboolean otp_mode;           /* the next page reads return the OTP area */
} FmHynixRetry;

/* The register value of OFFSET_MV (a multiple of the step, in range). */
guint8   fm_hynix_rr_reg_value (gint16 offset_mv);
/* Fills OUT (FM_HYNIX_OTP_SIZE bytes) with the OTP area of D's table. */
void     fm_hynix_rr_build_otp (const FmChipDesc *d, guint8 *out);

void     fm_hynix_rr_reset (FmHynixRetry *h);
/* Command cycle C of a hynix-otp part. TRUE when the registers applied
 * changed (16h): the caller then reads the offsets with
 * fm_hynix_rr_offsets(). */
gboolean fm_hynix_rr_command (FmHynixRetry *h, guint8 c);
void     fm_hynix_rr_address (FmHynixRetry *h, guint8 a);
void     fm_hynix_rr_write   (FmHynixRetry *h, guint8 v);
/* The applied registers as read reference shifts (D's refs of them) and
 * the level whose table row they are (-1: a combination not in it). */
gint     fm_hynix_rr_offsets (const FmHynixRetry *h, const FmChipDesc *d, gint16 *offsets_mv);

G_END_DECLS
