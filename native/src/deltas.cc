#include "deltas.h"

#include <cstring>

#include "args.h"
#include "simd.h"

#if PFSC_X86
#include <immintrin.h>
#endif

namespace pfsc {

namespace {

// d[i] = b[i] ^ b[i + 1] (kAdd false) or b[i + 1] - b[i] (kAdd true), for i < n.
template <bool kAdd>
void DeltasScalar(uint8_t* d, const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = kAdd ? static_cast<uint8_t>(b[i + 1] - b[i]) : static_cast<uint8_t>(b[i] ^ b[i + 1]);
}

#if PFSC_X86
template <bool kAdd>
PFSC_AVX2 void DeltasAvx2(uint8_t* d, const uint8_t* b, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i cur = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + i), kAdd ? _mm256_sub_epi8(next, cur) : _mm256_xor_si256(next, cur));
  }
  DeltasScalar<kAdd>(d + i, b + i, n - i);
}

template <bool kAdd>
PFSC_AVX512 void DeltasAvx512(uint8_t* d, const uint8_t* b, size_t n) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512i cur = _mm512_loadu_si512(b + i);
    __m512i next = _mm512_loadu_si512(b + i + 1);
    _mm512_storeu_si512(d + i, kAdd ? _mm512_sub_epi8(next, cur) : _mm512_xor_si512(next, cur));
  }
  DeltasAvx2<kAdd>(d + i, b + i, n - i);
}
#endif

template <bool kAdd>
Napi::Value Deltas(const Napi::CallbackInfo& info, const char* what) {
  Napi::Env env = info.Env();
  Bytes b;
  size_t start, end;
  if (!GetBytes(info, 0, what, &b) || !GetRange(info, 1, what, b.length, &start, &end)) return env.Undefined();
  size_t n = end - start > 0 ? end - start - 1 : 0;
  Napi::Uint8Array d = Napi::Uint8Array::New(env, n);
  if (n == 0) return d;
  const uint8_t* src = b.data + start;
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: DeltasAvx512<kAdd>(d.Data(), src, n); return d;
    case Simd::Avx2: DeltasAvx2<kAdd>(d.Data(), src, n); return d;
    default: break;
  }
#endif
  DeltasScalar<kAdd>(d.Data(), src, n);
  return d;
}

/** Bits 0..count-1 of the result: bit k set when head[k] >= 0. */
inline uint32_t OccupancyWordScalar(const int32_t* head, size_t count) {
  uint32_t x = 0;
  for (size_t k = 0; k < count; k++) x |= static_cast<uint32_t>(head[k] >= 0) << k;
  return x;
}

#if PFSC_X86
// The sign bits of eight heads at a time (movemask), inverted: set where head >= 0.
PFSC_AVX2 void OccupancyAvx2(const int32_t* head, size_t n, uint32_t* bits) {
  size_t words = n / 32;
  for (size_t w = 0; w < words; w++) {
    const int32_t* h = head + w * 32;
    uint32_t x = 0;
    for (int part = 0; part < 4; part++) {
      __m256 v = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + part * 8)));
      x |= static_cast<uint32_t>(_mm256_movemask_ps(v)) << (part * 8);
    }
    bits[w] = ~x;
  }
  if (n % 32 != 0) bits[words] = OccupancyWordScalar(head + words * 32, n % 32);
}
#endif

}  // namespace

Napi::Value XorDeltas(const Napi::CallbackInfo& info) { return Deltas<false>(info, "xorDeltas"); }
Napi::Value AddDeltas(const Napi::CallbackInfo& info) { return Deltas<true>(info, "addDeltas"); }

Napi::Value Occupancy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value v = info[0];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, "occupancy: the heads must be an Int32Array");
    return env.Undefined();
  }
  Napi::Int32Array head = v.As<Napi::Int32Array>();
  size_t n = head.ElementLength();
  Napi::Uint32Array bits = Napi::Uint32Array::New(env, (n + 31) / 32);
  const int32_t* h = head.Data();
#if PFSC_X86
  if (CurrentSimd() != Simd::Scalar) {
    OccupancyAvx2(h, n, bits.Data());
    return bits;
  }
#endif
  for (size_t w = 0; w * 32 < n; w++) {
    size_t count = n - w * 32 < 32 ? n - w * 32 : 32;
    bits[w] = OccupancyWordScalar(h + w * 32, count);
  }
  return bits;
}

}  // namespace pfsc
