#include "deltas.h"

#include <cstring>

#include "args.h"
#include "pages.h"
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
  if (n == 0) return Napi::Uint8Array::New(env, 0);
  // Every byte is written below, so the memory need not be zeroed first; a ref's deltas are
  // as large as the ref, and huge pages fault in about four times faster (pages.h).
  void* mem = PagesAlloc(n);
  if (mem == nullptr) {
    ThrowRange(env, std::string(what) + ": out of memory for " + std::to_string(n) + " bytes of deltas");
    return env.Undefined();
  }
  uint8_t* d = static_cast<uint8_t*>(mem);
  const uint8_t* src = b.data + start;
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: DeltasAvx512<kAdd>(d, src, n); break;
    case Simd::Avx2: DeltasAvx2<kAdd>(d, src, n); break;
    default: DeltasScalar<kAdd>(d, src, n); break;
  }
#else
  DeltasScalar<kAdd>(d, src, n);
#endif
  return Napi::Uint8Array::New(env, n, PagesArrayBuffer(env, mem, n), 0);
}

/** Bits 0..count-1 of the result: bit k set when bucket k holds entries (start[k + 1] > start[k]). */
inline uint32_t OccupancyWordScalar(const int32_t* start, size_t count) {
  uint32_t x = 0;
  for (size_t k = 0; k < count; k++) x |= static_cast<uint32_t>(start[k + 1] > start[k]) << k;
  return x;
}

#if PFSC_X86
// Eight buckets at a time: compare start[k + 1] with start[k] and gather the results' sign
// bits (movemask).
PFSC_AVX2 void OccupancyAvx2(const int32_t* start, size_t n, uint32_t* bits) {
  size_t words = n / 32;
  for (size_t w = 0; w < words; w++) {
    const int32_t* s = start + w * 32;
    uint32_t x = 0;
    for (int part = 0; part < 4; part++) {
      __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + part * 8));
      __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + part * 8 + 1));
      __m256 gt = _mm256_castsi256_ps(_mm256_cmpgt_epi32(hi, lo));
      x |= static_cast<uint32_t>(_mm256_movemask_ps(gt)) << (part * 8);
    }
    bits[w] = x;
  }
  if (n % 32 != 0) bits[words] = OccupancyWordScalar(start + words * 32, n % 32);
}
#endif

}  // namespace

Napi::Value XorDeltas(const Napi::CallbackInfo& info) { return Deltas<false>(info, "xorDeltas"); }
Napi::Value AddDeltas(const Napi::CallbackInfo& info) { return Deltas<true>(info, "addDeltas"); }

Napi::Value Occupancy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value v = info[0];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    ThrowType(env, "occupancy: the bucket starts must be an Int32Array");
    return env.Undefined();
  }
  Napi::Int32Array start = v.As<Napi::Int32Array>();
  if (start.ElementLength() < 1) {
    ThrowRange(env, "occupancy: start must hold at least one word");
    return env.Undefined();
  }
  size_t n = start.ElementLength() - 1;  // buckets
  Napi::Uint32Array bits = Napi::Uint32Array::New(env, (n + 31) / 32);
  const int32_t* s = start.Data();
#if PFSC_X86
  if (CurrentSimd() != Simd::Scalar) {
    OccupancyAvx2(s, n, bits.Data());
    return bits;
  }
#endif
  for (size_t w = 0; w * 32 < n; w++) {
    size_t count = n - w * 32 < 32 ? n - w * 32 : 32;
    bits[w] = OccupancyWordScalar(s + w * 32, count);
  }
  return bits;
}

}  // namespace pfsc
