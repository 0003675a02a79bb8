#include "simd.h"

#include <atomic>
#include <cstring>

namespace pfsc {

namespace {

Simd Detect() {
#if PFSC_X86
  __builtin_cpu_init();
  // The AVX2 paths also use SSE4.2's crc32 and PCLMULQDQ (every AVX2 CPU has both, but a
  // hypervisor may hide them), and BMI/LZCNT for bit scans.
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul") &&
              __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  if (!avx2) return Simd::Scalar;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return Simd::Avx512;
  return Simd::Avx2;
#else
  return Simd::Scalar;
#endif
}

const Simd kCpu = Detect();

bool DetectVbmi() {
#if PFSC_X86
  return kCpu == Simd::Avx512 && __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

const bool kVbmi = DetectVbmi();
std::atomic<int> current{static_cast<int>(kCpu)};

}  // namespace

Simd CpuSimd() { return kCpu; }

bool CpuHasVbmi() { return kVbmi; }

Simd CurrentSimd() { return static_cast<Simd>(current.load(std::memory_order_relaxed)); }

Simd SetSimd(Simd level) {
  Simd use = static_cast<int>(level) < static_cast<int>(kCpu) ? level : kCpu;
  current.store(static_cast<int>(use), std::memory_order_relaxed);
  return use;
}

const char* SimdName(Simd level) {
  switch (level) {
    case Simd::Avx512: return "avx512";
    case Simd::Avx2: return "avx2";
    default: return "scalar";
  }
}

bool ParseSimd(const char* name, Simd* out) {
  if (std::strcmp(name, "scalar") == 0) *out = Simd::Scalar;
  else if (std::strcmp(name, "avx2") == 0) *out = Simd::Avx2;
  else if (std::strcmp(name, "avx512") == 0) *out = Simd::Avx512;
  else return false;
  return true;
}

}  // namespace pfsc
