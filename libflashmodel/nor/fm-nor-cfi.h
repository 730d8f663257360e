/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A parallel NOR chip seen from its bus: the address and data lines of one
 * x8 or x16 part (BYTE# selects the width on x8/x16 parts), as a CPU sees
 * them through a memory window. Every read and write cycle goes through
 * the part's command state machine: read array, CFI query (98h), autoselect
 * / read identifier, and the primary command set of the descriptor:
 *
 *  - AMD/Fujitsu (0002h): unlock cycles 555h/2AAh, word program A0h,
 *    write-buffer program 25h/29h (with abort and 555h/2AAh/F0h reset),
 *    sector erase 80h/30h, chip erase 80h/10h, erase suspend B0h / resume
 *    30h, reset F0h; status by DQ7 data polling, DQ6 and DQ2 toggle bits,
 *    DQ5 exceeded timing (program or erase failure), DQ3 erase timer.
 *  - Intel/Sharp (0001h): read array FFh, read status 70h, clear status
 *    50h, read identifier 90h, program 40h/10h, buffered program E8h
 *    (count, data, D0h), block erase 20h/D0h, suspend B0h / resume D0h,
 *    block lock 60h/01h, unlock 60h/D0h, lock-down 60h/2Fh; status
 *    register SR.7 ready, SR.6 erase suspended, SR.5 erase error, SR.4
 *    program error, SR.2 program suspended, SR.1 block locked.
 *
 * Addresses are byte addresses into the window. On a x16 bus the part sees
 * word address ADDR / 2 and commands are decoded on word addresses (555h);
 * on a x8 bus of a x8/x16 part the byte address goes out with A-1 as its
 * lowest bit and commands are decoded on ADDR / 2 as well (AAAh/555h), the
 * query table showing at even byte addresses, as on real parts and as
 * Linux's cfi_probe (device type x16 on a bank width of 1) expects.
 * A busy chip answers reads with status; time advances by one bus cycle
 * per access in virtual timing, so that polling loops end.
 *
 * A program or erase changes the cells when it starts and keeps the part
 * busy for the descriptor's typical time (fm_nor_program_ns() and the
 * like, plus injected latency; nothing in FM_TIMING_NONE); a suspended
 * erase keeps the time it has left. A failure (worn-out sector, injected
 * fault) shows as DQ5 (AMD) or SR.4/SR.5 (Intel). Unknown AMD sequences
 * return to read array; on Intel parts an unknown first cycle returns to
 * read array and a wrong second cycle is a command sequence error (SR.4
 * and SR.5). After a power cut (fm_nand_powered_off()) reads return all
 * ones and writes are ignored. Intel lock bits live as long as the bus
 * model, not in the image. The query structure is fm_nor_cfi_query_table().
 */
#pragma once

#include "fm-nor.h"

G_BEGIN_DECLS

typedef struct _FmNorCfi FmNorCfi;

/* BUS_WIDTH 8 or 16 must be one the part supports. Does not own NOR; free
 * the bus model first. */
FmNorCfi *fm_nor_cfi_new  (FmNor *nor, guint bus_width, GError **error);
void      fm_nor_cfi_free (FmNorCfi *cfi);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmNorCfi, fm_nor_cfi_free)

FmNor    *fm_nor_cfi_nor       (FmNorCfi *cfi);
guint     fm_nor_cfi_bus_width (const FmNorCfi *cfi);

/* One access of WIDTH bytes (1, 2 or 4) at byte address ADDR of the
 * window. A 2-byte access on a x8 bus, or a 4-byte one on a x16 bus, is
 * that many bus cycles, lowest address first (little-endian); a byte
 * access on a x16 bus is one cycle on its byte lane (a byte write drives
 * the other lane high, FFh). Address bits below the bus width and above
 * the chip's size are not wired to the part: a 16-bit access at an odd
 * address, as Linux's do_erase_chip() polls 555h, is the word below. */
guint32   fm_nor_cfi_read  (FmNorCfi *cfi, guint64 addr, guint width);
void      fm_nor_cfi_write (FmNorCfi *cfi, guint64 addr, guint32 value, guint width);

/* RY/BY#: TRUE when no program or erase is in progress (or it is
 * suspended). An AMD part whose algorithm failed (DQ5) or whose buffer
 * load aborted (DQ1) holds it low until reset. */
gboolean  fm_nor_cfi_ready (FmNorCfi *cfi);
/* RESET# pulse: aborts any operation (whose cells changed when it
 * started) and returns to read array; Intel parts clear the status
 * register, and those with instant individual block locking lock every
 * block again. */
void      fm_nor_cfi_reset (FmNorCfi *cfi);
/* WP#/VPP low: the protected sectors (AMD: outermost; Intel: all) refuse
 * program and erase. */
void      fm_nor_cfi_set_wp (FmNorCfi *cfi, gboolean asserted);

/* The CFI query structure as the part answers it, offset 0 = the byte at
 * query address 0 (so "QRY" is at 10h), for tests and tools. */
GBytes   *fm_nor_cfi_query_table (const FmChipDesc *desc);

G_END_DECLS
