// The SIMD level the kernels use: detected once from the CPU, capped by setSimd (the
// loader passes PFSC_NATIVE_SIMD; the parity tests step through every level).
#pragma once

namespace pfsc {

enum class Simd { Scalar = 0, Avx2 = 1, Avx512 = 2 };

/** The widest level this CPU runs: AVX-512BW, AVX2 (with SSE4.2 and PCLMULQDQ), or scalar. */
Simd CpuSimd();
/** The level in use. */
Simd CurrentSimd();
/** Uses `level`, or the CPU's widest when it is less; returns the level now in use. */
Simd SetSimd(Simd level);

/** Whether the CPU has AVX-512 VBMI's byte permutes (the k-gram hash's 16-lane loads). */
bool CpuHasVbmi();

const char* SimdName(Simd level);
/** Parses "scalar", "avx2" or "avx512"; false for anything else. */
bool ParseSimd(const char* name, Simd* out);

}  // namespace pfsc

#if defined(__x86_64__) || defined(_M_X64)
#define PFSC_X86 1
#define PFSC_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))
#define PFSC_AVX512 __attribute__((target("avx512f,avx512bw,avx2,bmi,bmi2,popcnt")))
#define PFSC_CRC_HW __attribute__((target("sse4.2,pclmul")))
#else
#define PFSC_X86 0
#endif
