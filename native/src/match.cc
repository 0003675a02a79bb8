#include "match.h"

#include <cmath>
#include <cstring>

#include "args.h"
#include "simd.h"

#if PFSC_X86
#include <immintrin.h>
#endif

namespace pfsc {

namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Scalar: eight bytes at a time; the first differing byte is the lowest set bit of the xor
// (little-endian), the last one going backward its highest.
size_t ForwardScalar(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 8 <= max; n += 8) {
    uint64_t x = Load64(a + n) ^ Load64(b + n);
    if (x != 0) return n + (__builtin_ctzll(x) >> 3);
  }
  while (n < max && a[n] == b[n]) n++;
  return n;
}

size_t BackwardScalar(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 8 <= max; n += 8) {
    uint64_t x = Load64(a - n - 8) ^ Load64(b - n - 8);
    if (x != 0) return n + (__builtin_clzll(x) >> 3);
  }
  while (n < max && a[-1 - static_cast<ptrdiff_t>(n)] == b[-1 - static_cast<ptrdiff_t>(n)]) n++;
  return n;
}

#if PFSC_X86
PFSC_AVX2 size_t ForwardAvx2(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 32 <= max; n += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + n));
    __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + n));
    uint32_t eq = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y)));
    if (eq != 0xffffffffu) return n + static_cast<size_t>(__builtin_ctz(~eq));
  }
  return n + ForwardScalar(a + n, b + n, max - n);
}

PFSC_AVX2 size_t BackwardAvx2(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 32 <= max; n += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a - n - 32));
    __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b - n - 32));
    uint32_t eq = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y)));
    if (eq != 0xffffffffu) return n + static_cast<size_t>(__builtin_clz(~eq));
  }
  return n + BackwardScalar(a - n, b - n, max - n);
}

// AVX-512: one 64-byte compare per step; the last partial step is a masked load of both.
PFSC_AVX512 size_t ForwardAvx512(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 64 <= max; n += 64) {
    uint64_t ne = _mm512_cmpneq_epi8_mask(_mm512_loadu_si512(a + n), _mm512_loadu_si512(b + n));
    if (ne != 0) return n + static_cast<size_t>(__builtin_ctzll(ne));
  }
  if (n < max) {
    __mmask64 m = _bzhi_u64(~0ULL, static_cast<unsigned>(max - n));
    uint64_t ne = _mm512_mask_cmpneq_epi8_mask(m, _mm512_maskz_loadu_epi8(m, a + n), _mm512_maskz_loadu_epi8(m, b + n));
    return ne != 0 ? n + static_cast<size_t>(__builtin_ctzll(ne)) : max;
  }
  return n;
}

PFSC_AVX512 size_t BackwardAvx512(const uint8_t* a, const uint8_t* b, size_t max) {
  size_t n = 0;
  for (; n + 64 <= max; n += 64) {
    uint64_t ne = _mm512_cmpneq_epi8_mask(_mm512_loadu_si512(a - n - 64), _mm512_loadu_si512(b - n - 64));
    if (ne != 0) return n + static_cast<size_t>(__builtin_clzll(ne));
  }
  return n + BackwardAvx2(a - n, b - n, max - n);
}
#endif

/** Reads the positions, and max clamped as the JS twin clamps it (to what both arrays hold). */
bool Positions(const Napi::CallbackInfo& info, const char* what, bool forward, const uint8_t** pa, const uint8_t** pb, size_t* m) {
  Bytes a, b;
  if (!GetBytes(info, 0, what, &a) || !GetBytes(info, 2, what, &b)) return false;
  double ai, bi;
  if (!GetInteger(info, 1, &ai) || ai < 0 || ai > static_cast<double>(a.length)) {
    ThrowRange(info.Env(), std::string(what) + ": position " + NumberText(info, 1) + " is outside the " + std::to_string(a.length) + "-byte array");
    return false;
  }
  if (!GetInteger(info, 3, &bi) || bi < 0 || bi > static_cast<double>(b.length)) {
    ThrowRange(info.Env(), std::string(what) + ": position " + NumberText(info, 3) + " is outside the " + std::to_string(b.length) + "-byte array");
    return false;
  }
  double max = info[4].IsNumber() ? info[4].As<Napi::Number>().DoubleValue() : NAN;
  double room = forward ? std::fmin(static_cast<double>(a.length) - ai, static_cast<double>(b.length) - bi) : std::fmin(ai, bi);
  double lim = max < room ? max : room;  // NaN: no limit but room, as in JS
  *m = lim > 0 ? static_cast<size_t>(std::floor(lim)) : 0;
  *pa = a.data + static_cast<size_t>(ai);
  *pb = b.data + static_cast<size_t>(bi);
  return true;
}

}  // namespace

size_t MatchForwardBytes(const uint8_t* a, const uint8_t* b, size_t max) {
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: return ForwardAvx512(a, b, max);
    case Simd::Avx2: return ForwardAvx2(a, b, max);
    default: break;
  }
#endif
  return ForwardScalar(a, b, max);
}

size_t MatchBackwardBytes(const uint8_t* a, const uint8_t* b, size_t max) {
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: return BackwardAvx512(a, b, max);
    case Simd::Avx2: return BackwardAvx2(a, b, max);
    default: break;
  }
#endif
  return BackwardScalar(a, b, max);
}

Napi::Value MatchForward(const Napi::CallbackInfo& info) {
  const uint8_t *a, *b;
  size_t m;
  if (!Positions(info, "matchForward", true, &a, &b, &m)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(MatchForwardBytes(a, b, m)));
}

Napi::Value MatchBackward(const Napi::CallbackInfo& info) {
  const uint8_t *a, *b;
  size_t m;
  if (!Positions(info, "matchBackward", false, &a, &b, &m)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(MatchBackwardBytes(a, b, m)));
}

}  // namespace pfsc
