#include "copy.h"

#include <cstring>
#include <vector>

#include "args.h"
#include "simd.h"
#include "transforms.h"

#if PFSC_X86
#include <immintrin.h>
#endif

namespace pfsc {

namespace {

constexpr int kCopy = 1;
constexpr int kXor = 2;
constexpr int kAdd = 3;

/** Reads the position argument `i` and checks [pos, pos + len) lies in the array. */
bool GetSpan(const Napi::CallbackInfo& info, size_t i, const char* what, size_t length, double len, double* pos) {
  if (!GetInteger(info, i, pos) || *pos < 0 || *pos + len > static_cast<double>(length)) {
    ThrowRange(info.Env(), std::string(what) + ": " + NumberText(info, 4) + " bytes at " + NumberText(info, i) + " are outside the " +
                               std::to_string(length) + "-byte array");
    return false;
  }
  return true;
}

// out[k] += diff[k] (mod 256), eight lanes per 64-bit word without carries between lanes.
void AddDiffScalar(uint8_t* out, const uint8_t* diff, size_t n) {
  const uint64_t low = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t high = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, k;
    std::memcpy(&x, out + i, 8);
    std::memcpy(&k, diff + i, 8);
    uint64_t r = ((x & low) + (k & low)) ^ ((x ^ k) & high);
    std::memcpy(out + i, &r, 8);
  }
  for (; i < n; i++) out[i] = static_cast<uint8_t>(out[i] + diff[i]);
}

#if PFSC_X86
PFSC_AVX2 void AddDiffAvx2(uint8_t* out, const uint8_t* diff, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(out + i));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(diff + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_add_epi8(a, b));
  }
  AddDiffScalar(out + i, diff + i, n - i);
}

PFSC_AVX512 void AddDiffAvx512(uint8_t* out, const uint8_t* diff, size_t n) {
  size_t i = 0;
  // Up to out's next 64-byte boundary with a masked store: the loop's stores then never
  // split a cache line (as in transforms.cc).
  size_t head = (64 - reinterpret_cast<uintptr_t>(out) % 64) % 64;
  if (head > 0 && n >= 256) {
    __mmask64 m = _bzhi_u64(~0ULL, static_cast<unsigned>(head));
    _mm512_mask_storeu_epi8(out, m, _mm512_add_epi8(_mm512_maskz_loadu_epi8(m, out), _mm512_maskz_loadu_epi8(m, diff)));
    i = head;
  }
  for (; i + 64 <= n; i += 64) {
    __m512i a = _mm512_loadu_si512(out + i);
    __m512i b = _mm512_loadu_si512(diff + i);
    _mm512_storeu_si512(out + i, _mm512_add_epi8(a, b));
  }
  if (i < n) {
    __mmask64 m = _bzhi_u64(~0ULL, static_cast<unsigned>(n - i));
    __m512i a = _mm512_maskz_loadu_epi8(m, out + i);
    __m512i b = _mm512_maskz_loadu_epi8(m, diff + i);
    _mm512_mask_storeu_epi8(out + i, m, _mm512_add_epi8(a, b));
  }
}
#endif

}  // namespace

// The checks and their order are src/engine/js/copy.ts's addDiff.
Napi::Value AddDiff(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes out, diff;
  if (!GetBytes(info, 0, "addDiff", &out) || !GetBytes(info, 2, "addDiff", &diff)) return env.Undefined();
  double outPos = 0, diffPos = 0, len = 0;
  if (!GetInteger(info, 4, &len) || len < 0) {
    ThrowRange(env, "addDiff: " + NumberText(info, 4) + " is not a byte count");
    return env.Undefined();
  }
  if (!GetSpan(info, 1, "addDiff (output)", out.length, len, &outPos)) return env.Undefined();
  if (!GetSpan(info, 3, "addDiff (differences)", diff.length, len, &diffPos)) return env.Undefined();
  size_t n = static_cast<size_t>(len);
  if (n == 0) return env.Undefined();
  uint8_t* d = out.data + static_cast<size_t>(outPos);
  const uint8_t* k = diff.data + static_cast<size_t>(diffPos);
  if (d < k + n && k < d + n && d != k) {
    // Overlapping but distinct ranges: add from a copy of the differences, as the JS twin does.
    std::vector<uint8_t> copy(k, k + n);
    AddDiffScalar(d, copy.data(), n);
    return env.Undefined();
  }
#if PFSC_X86
  switch (CurrentSimd()) {
    case Simd::Avx512: AddDiffAvx512(d, k, n); return env.Undefined();
    case Simd::Avx2: AddDiffAvx2(d, k, n); return env.Undefined();
    default: break;
  }
#endif
  AddDiffScalar(d, k, n);
  return env.Undefined();
}

// The checks and their order are src/engine/js/copy.ts's checkCopyArgs.
Napi::Value ExecuteCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes out, src;
  if (!GetBytes(info, 0, "executeCopy", &out) || !GetBytes(info, 2, "executeCopy", &src)) return env.Undefined();
  double outPos = 0, srcPos = 0, len = 0, op = 0;
  if (!GetInteger(info, 4, &len) || len < 0) {
    ThrowRange(env, "executeCopy: " + NumberText(info, 4) + " is not a byte count");
    return env.Undefined();
  }
  if (!GetSpan(info, 1, "executeCopy (output)", out.length, len, &outPos)) return env.Undefined();
  if (!GetSpan(info, 3, "executeCopy (source)", src.length, len, &srcPos)) return env.Undefined();
  if (!GetInteger(info, 5, &op) || (op != kCopy && op != kXor && op != kAdd)) {
    ThrowRange(env, "executeCopy: " + NumberText(info, 5) + " is not a copy op code");
    return env.Undefined();
  }
  size_t n = static_cast<size_t>(len);
  if (n == 0) return env.Undefined();
  uint8_t* d = out.data + static_cast<size_t>(outPos);
  const uint8_t* s = src.data + static_cast<size_t>(srcPos);
  uint8_t imm;
  if (!GetByte(info, 6, &imm)) return env.Undefined();
  int code = static_cast<int>(op);
  if (code == kCopy || imm == 0) {
    if (d != s) std::memmove(d, s, n);
    return env.Undefined();
  }
  // Overlapping but distinct ranges (a copy from earlier output): move first, then
  // transform in place, as the JS twin does.
  if (d != s && d < s + n && s < d + n) {
    std::memmove(d, s, n);
    s = d;
  }
  if (code == kXor) XorBytes(d, s, n, imm);
  else AddBytes(d, s, n, imm);
  return env.Undefined();
}

}  // namespace pfsc
