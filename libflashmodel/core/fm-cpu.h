/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the CPU can run, for the SIMD kernels of the ECC engines: features
 * detected once at run time, and the best of a list of kernels described
 * by the features each needs. Private to libflashmodel.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The x86-64 kernels are built with GCC or Clang (target attributes and
 * intrinsics) unless FM_NO_SIMD is defined. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(FM_NO_SIMD)
#define FM_HAVE_X86_SIMD 1
#endif

typedef enum {
  FM_CPU_SSSE3 = 1 << 0,
  FM_CPU_SSE41 = 1 << 1,
  FM_CPU_PCLMUL = 1 << 2,
  FM_CPU_AVX2 = 1 << 3,
  FM_CPU_AVX512F = 1 << 4,
  FM_CPU_AVX512BW = 1 << 5,
  FM_CPU_VPCLMUL = 1 << 6,
  FM_CPU_GFNI = 1 << 7,
} FmCpuFeatures;

/* The features of this CPU (none on other architectures). */
FmCpuFeatures fm_cpu_features (void);

static inline gboolean
fm_cpu_supports (FmCpuFeatures needed)
{
  return (fm_cpu_features () & needed) == needed;
}

/* The last of N kernels, in order of preference, whose NEEDED features the
 * CPU has; kernel 0 must need none. */
guint fm_cpu_best_kernel (const FmCpuFeatures *needed, guint n);

G_END_DECLS
