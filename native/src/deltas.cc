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

}  // namespace

Napi::Value XorDeltas(const Napi::CallbackInfo& info) { return Deltas<false>(info, "xorDeltas"); }
Napi::Value AddDeltas(const Napi::CallbackInfo& info) { return Deltas<true>(info, "addDeltas"); }

}  // namespace pfsc
