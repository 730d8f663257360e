/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flashmodel import and export (cmd-dump.c). */
#pragma once

int cmd_import (int argc, char **argv);
int cmd_export (int argc, char **argv);
