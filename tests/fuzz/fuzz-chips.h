/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Descriptors of the tiny chips the fuzz targets (and make-journal-seeds)
 * use: small enough that a whole chip is checked per input. */
#pragma once

#include "flashmodel.h"

/* Small-page: 4 pages of 512 + 16 bytes, 16 blocks, marker byte 5 of the
 * first and second pages. */
static const char chip_small[] =
  "[chip]\nname=fuzz-small\nvendor=Fuzz\npart=SMALL\ntype=nand-slc\ndatasheet=none\n"
  "[id]\nbytes=ec;76\n"
  "[geometry]\npage-size=512\noob-size=16\npages-per-block=4\nblocks-per-lun=16\n"
  "[timing]\ntR-typ-us=15\ntR-max-us=15\ntPROG-typ-us=200\ntPROG-max-us=500\n"
  "tBERS-typ-us=2000\ntBERS-max-us=3000\n"
  "[reliability]\nnop=2\nsequential-program=true\npe-cycles=100000\n"
  "factory-bad-blocks-max=2\nbad-block-marker-offset=5\nbad-block-marker-pages=first;second\n";


/* Serial NOR: 64 KiB, 256-byte pages (the array's page, no spare area),
 * 4 KiB sectors (its block): 16 blocks of 16 pages. */
static const char chip_spi[] =
  "[chip]\nname=fuzz-spi\nvendor=Fuzz\npart=SPI\ntype=spi-nor\ndatasheet=none\n"
  "[nor]\nsize=65536\nprogram-buffer=256\npe-cycles=100000\n"
  "[nor-timing]\nword-program-typ-us=30\nword-program-max-us=50\n"
  "buffer-program-typ-us=400\nbuffer-program-max-us=3000\n"
  "chip-erase-typ-ms=200\nchip-erase-max-ms=1000\n"
  "[spi]\njedec-id=ef;40;10\nerase-types=32768@0x52:120:1600;4096@0x20:45:400\n";
