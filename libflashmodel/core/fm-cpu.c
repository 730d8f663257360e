/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fm-cpu.h"

static FmCpuFeatures
detect (void)
{
  FmCpuFeatures f = 0;

#ifdef FM_HAVE_X86_SIMD
  /* __builtin_cpu_supports takes literal names only. */
  __builtin_cpu_init ();
  f |= __builtin_cpu_supports ("ssse3") ? FM_CPU_SSSE3 : 0;
  f |= __builtin_cpu_supports ("sse4.1") ? FM_CPU_SSE41 : 0;
  f |= __builtin_cpu_supports ("pclmul") ? FM_CPU_PCLMUL : 0;
  f |= __builtin_cpu_supports ("avx2") ? FM_CPU_AVX2 : 0;
  f |= __builtin_cpu_supports ("avx512f") ? FM_CPU_AVX512F : 0;
  f |= __builtin_cpu_supports ("avx512bw") ? FM_CPU_AVX512BW : 0;
  f |= __builtin_cpu_supports ("vpclmulqdq") ? FM_CPU_VPCLMUL : 0;
  f |= __builtin_cpu_supports ("gfni") ? FM_CPU_GFNI : 0;
#endif
  return f;
}

FmCpuFeatures
fm_cpu_features (void)
{
  static gsize features;

  if (g_once_init_enter (&features))
    g_once_init_leave (&features, detect () + 1); /* nonzero: done */
  return features - 1;
}

guint
fm_cpu_best_kernel (const FmCpuFeatures *needed, guint n)
{
  guint best = n - 1;

  while (best > 0 && !fm_cpu_supports (needed[best]))
    best--;
  return best;
}
