/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hynix 1x nm MLC read retry: the register session (36h, address and data
 * cycles, 16h), the OTP entry sequence and the OTP area Linux's
 * hynix_mlc_1xnm_rr_init() decodes (fm-nand-vendor-hynix.h).
 *
 * Sources: Linux 6.1 nand_hynix.c (the commands, registers, OTP rows and
 * size, the OTP layout NAND_HYNIX_1XNM_RR_SET_OFFS and the majority
 * vote over 8 copies). NOT SOURCED: see the header.
 */
#include "fm-nand-vendor-hynix.h"

#include <string.h>

const guint8 fm_hynix_rr_regs[FM_HYNIX_RR_REGS] = { 0xcc, 0xbf, 0xaa, 0xab, 0xcd, 0xad, 0xae, 0xaf };

guint8
fm_hynix_rr_reg_value (gint16 offset_mv)
{
  return (guint8) (gint8) (offset_mv / FM_HYNIX_RR_STEP_MV);
}

/* Register R's value in level LEVEL's row of D's table. */
static guint8
table_value (const FmChipDesc *d, guint level, guint r)
{
  return r < d->read_retry.refs ? fm_hynix_rr_reg_value (d->read_retry.offset_mv[level][r]) : 0x00;
}

void
fm_hynix_rr_build_otp (const FmChipDesc *d, guint8 *out)
{
  guint modes = d->read_retry.levels, set = modes * FM_HYNIX_RR_REGS;

  /* The loader keeps 16 + 16 x set within the area (levels <= 6). */
  g_return_if_fail (2 * FM_HYNIX_RR_REPEAT + 2 * FM_HYNIX_RR_REPEAT * set <= FM_HYNIX_OTP_SIZE);
  memset (out, 0xff, FM_HYNIX_OTP_SIZE);
  memset (out, (int) modes, FM_HYNIX_RR_REPEAT);
  memset (out + FM_HYNIX_RR_REPEAT, FM_HYNIX_RR_REGS, FM_HYNIX_RR_REPEAT);
  for (guint copy = 0; copy < FM_HYNIX_RR_REPEAT; copy++)
    for (guint m = 0; m < modes; m++)
      for (guint r = 0; r < FM_HYNIX_RR_REGS; r++)
        {
          guint8 v = table_value (d, m, r);
          guint base = 2 * FM_HYNIX_RR_REPEAT + 2 * copy * set + m * FM_HYNIX_RR_REGS + r;

          out[base] = v;
          out[base + set] = (guint8) ~v;
        }
}

void
fm_hynix_rr_reset (FmHynixRetry *h)
{
  /* NOT SOURCED: RESET leaves OTP mode and the session, keeps the
   * registers. */
  h->session = FALSE;
  h->selected = -1;
  h->otp_steps = 0;
  h->otp_mode = FALSE;
}

static gint
reg_index (guint8 addr)
{
  for (guint i = 0; i < FM_HYNIX_RR_REGS; i++)
    if (fm_hynix_rr_regs[i] == addr)
      return (gint) i;
  return -1;
}

gboolean
fm_hynix_rr_command (FmHynixRetry *h, guint8 c)
{
  static const guint8 otp_sequence[] = { FM_HYNIX_CMD_OTP_1, FM_HYNIX_CMD_OTP_2, FM_HYNIX_CMD_OTP_3 };

  switch (c)
    {
    case FM_HYNIX_CMD_SET_PARAMS:
      h->session = TRUE;
      h->selected = -1;
      h->otp_steps = 0;
      return FALSE;
    case FM_HYNIX_CMD_APPLY_PARAMS:
      if (!h->session)
        return FALSE;
      h->session = FALSE;
      h->otp_armed = h->otp_reg == FM_HYNIX_REG_OTP_ENTER;
      if (!h->otp_armed)
        h->otp_mode = FALSE;
      if (memcmp (h->applied, h->written, sizeof h->applied) == 0)
        return FALSE;
      memcpy (h->applied, h->written, sizeof h->applied);
      return TRUE;
    default:
      /* 17h, 04h, 19h in that order, with 38h = 52h applied. */
      if (h->otp_armed && h->otp_steps < G_N_ELEMENTS (otp_sequence) && c == otp_sequence[h->otp_steps])
        {
          if (++h->otp_steps == G_N_ELEMENTS (otp_sequence))
            h->otp_mode = TRUE;
        }
      else
        h->otp_steps = 0;
      return FALSE;
    }
}

void
fm_hynix_rr_address (FmHynixRetry *h, guint8 a)
{
  if (!h->session)
    return;
  /* An address that is no register of the part selects nothing: the data
   * cycle after it is dropped. */
  h->selected = a == FM_HYNIX_REG_OTP ? FM_HYNIX_RR_REGS : reg_index (a);
}

void
fm_hynix_rr_write (FmHynixRetry *h, guint8 v)
{
  if (!h->session || h->selected < 0)
    return;
  if (h->selected == FM_HYNIX_RR_REGS)
    h->otp_reg = v;
  else
    h->written[h->selected] = v;
  h->selected = -1;
}

gint
fm_hynix_rr_offsets (const FmHynixRetry *h, const FmChipDesc *d, gint16 *offsets_mv)
{
  const FmReadRetryDesc *rr = &d->read_retry;

  for (guint r = 0; r < rr->refs; r++)
    offsets_mv[r] = (gint16) ((gint8) h->applied[r] * FM_HYNIX_RR_STEP_MV);
  for (guint level = 0; level < rr->levels; level++)
    {
      gboolean row = TRUE;

      for (guint r = 0; r < FM_HYNIX_RR_REGS && row; r++)
        row = h->applied[r] == table_value (d, level, r);
      if (row)
        return (gint) level;
    }
  return -1;
}
