/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The framing of SPI instructions by CS#, shared by the SPI memory models. */
#include "fm-spi-frame.h"

#include <string.h>

void
fm_spi_frame_select (FmSpiFrame *frame, const FmSpiFrameOps *ops, gpointer chip,
                     gboolean asserted)
{
  if (asserted == frame->selected)
    return;
  frame->selected = asserted;
  if (!asserted && frame->count > 0 && ops->powered (chip))
    ops->finish (chip);
  frame->count = 0;
  ops->forget (chip);
}

void
fm_spi_frame_transfer (FmSpiFrame *frame, const FmSpiFrameOps *ops, gpointer chip,
                       const guint8 *tx, guint8 *rx, gsize len)
{
  gsize done = 0;

  if (!frame->selected || !ops->powered (chip))
    {
      if (rx)
        memset (rx, 0xff, len);
      return;
    }
  while (done < len)
    {
      gsize n = ops->clock_run (chip, tx ? tx + done : NULL, rx ? rx + done : NULL,
                                len - done);

      if (n == 0)
        {
          guint8 miso = ops->clock_byte (chip, tx ? tx[done] : 0xff);

          if (rx)
            rx[done] = miso;
          n = 1;
        }
      done += n;
    }
}

guint
fm_spi_frame_lines (const FmSpiFrame *frame, gsize header_bytes,
                    guint addr_lines, guint data_lines)
{
  if (!frame->selected || frame->count == 0)
    return 1;
  if (frame->count < header_bytes)
    return addr_lines;
  return data_lines;
}

void
fm_spi_bus_clocks (FmClock *clock, guint64 bytes, guint lines)
{
  fm_clock_advance (clock, bytes * (8 / lines) * FM_SPI_SCK_PERIOD_NS);
}
