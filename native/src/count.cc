#include "count.h"

#include <cstring>

#include "args.h"
#include "simd.h"

#if PFSC_X86
#include <immintrin.h>
#endif

namespace pfsc {

namespace {

// Scalar: a byte of x = word ^ pattern is zero exactly where the word matched; the
// "has zero byte" test marks those bytes' top bits without borrows between lanes. The marks
// are added up in byte lanes (at most 255 words at a time), then the lanes summed: no
// popcount, which baseline x86-64 lacks.
size_t CountScalar(const uint8_t* p, size_t n, uint8_t value) {
  const uint64_t k = 0x0101010101010101ULL * value;
  const uint64_t low = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t lanes16 = 0x00ff00ff00ff00ffULL;
  size_t count = 0;
  size_t i = 0;
  while (i + 8 <= n) {
    uint64_t acc = 0;
    size_t stop = i + 8 * 255 < n ? i + 8 * 255 : n;
    for (; i + 8 <= stop; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      uint64_t x = w ^ k;
      acc += (~(((x & low) + low) | x | low)) >> 7;  // 1 in each matching byte lane
    }
    uint64_t pairs = (acc & lanes16) + ((acc >> 8) & lanes16);  // four 16-bit lanes
    count += static_cast<size_t>((pairs * 0x0001000100010001ULL) >> 48);
  }
  for (; i < n; i++) count += p[i] == value;
  return count;
}

#if PFSC_X86
// Compares give 0xff per equal byte, i.e. -1: subtracting them counts in byte lanes. After at
// most 255 steps the lanes are summed by SAD against zero into 64-bit counters.
PFSC_AVX2 size_t CountAvx2(const uint8_t* p, size_t n, uint8_t value) {
  const __m256i k = _mm256_set1_epi8(static_cast<char>(value));
  const __m256i zero = _mm256_setzero_si256();
  __m256i total = zero;
  size_t i = 0;
  while (i + 128 <= n) {
    __m256i acc0 = zero, acc1 = zero;
    size_t steps = (n - i) / 128;
    if (steps > 127) steps = 127;
    for (size_t s = 0; s < steps; s++, i += 128) {
      __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
      __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
      __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64));
      __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96));
      acc0 = _mm256_sub_epi8(acc0, _mm256_cmpeq_epi8(a, k));
      acc1 = _mm256_sub_epi8(acc1, _mm256_cmpeq_epi8(b, k));
      acc0 = _mm256_sub_epi8(acc0, _mm256_cmpeq_epi8(c, k));
      acc1 = _mm256_sub_epi8(acc1, _mm256_cmpeq_epi8(d, k));
    }
    total = _mm256_add_epi64(total, _mm256_sad_epu8(acc0, zero));
    total = _mm256_add_epi64(total, _mm256_sad_epu8(acc1, zero));
  }
  size_t count = static_cast<size_t>(_mm256_extract_epi64(total, 0) + _mm256_extract_epi64(total, 1) + _mm256_extract_epi64(total, 2) +
                                     _mm256_extract_epi64(total, 3));
  for (; i + 32 <= n; i += 32) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    count += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, k)))));
  }
  for (; i < n; i++) count += p[i] == value;
  return count;
}

PFSC_AVX512 size_t CountAvx512(const uint8_t* p, size_t n, uint8_t value) {
  const __m512i k = _mm512_set1_epi8(static_cast<char>(value));
  size_t c0 = 0, c1 = 0;
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    c0 += static_cast<size_t>(_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + i), k)));
    c1 += static_cast<size_t>(_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + i + 64), k)));
  }
  for (; i + 64 <= n; i += 64) c0 += static_cast<size_t>(_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + i), k)));
  if (i < n) {
    __mmask64 m = _bzhi_u64(~0ULL, static_cast<unsigned>(n - i));
    c1 += static_cast<size_t>(_mm_popcnt_u64(_mm512_mask_cmpeq_epi8_mask(m, _mm512_maskz_loadu_epi8(m, p + i), k)));
  }
  return c0 + c1;
}
#endif

}  // namespace

size_t CountEqBytes(const uint8_t* p, size_t n, uint8_t value) {
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: return CountAvx512(p, n, value);
    case Simd::Avx2: return CountAvx2(p, n, value);
    default: break;
  }
#endif
  return CountScalar(p, n, value);
}

Napi::Value CountEq(const Napi::CallbackInfo& info) {
  Bytes buf;
  size_t start, end;
  if (!GetBytes(info, 0, "countEq", &buf) || !GetRange(info, 1, "countEq", buf.length, &start, &end)) return info.Env().Undefined();
  uint8_t value;
  if (!GetByte(info, 3, &value)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(CountEqBytes(buf.data + start, end - start, value)));
}

}  // namespace pfsc
