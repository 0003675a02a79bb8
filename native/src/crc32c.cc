#include "crc32c.h"

#include <cstring>

#include "args.h"
#include "simd.h"

#if PFSC_X86
#include <immintrin.h>
#endif

namespace pfsc {

namespace {

constexpr uint32_t kPoly = 0x82f63b78;  // reflected 0x1EDC6F41

// Polynomials are reflected: bit 31 is x^0, bit 0 is x^31 (as zlib's crc32_combine has them).

/** a(x) * b(x) mod P(x). */
uint32_t MultModP(uint32_t a, uint32_t b) {
  uint32_t p = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return p;
}

struct Tables {
  uint32_t slice[8][256];
  /** x2n[k] = x^(2^k) mod P. */
  uint32_t x2n[64];
  Tables() {
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = b;
      for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      slice[0][b] = c;
    }
    for (int j = 1; j < 8; j++) {
      for (int b = 0; b < 256; b++) slice[j][b] = (slice[j - 1][b] >> 8) ^ slice[0][slice[j - 1][b] & 255];
    }
    uint32_t p = 1u << 30;  // x^1
    x2n[0] = p;
    for (int k = 1; k < 64; k++) x2n[k] = p = MultModP(p, p);
  }
};

const Tables kTables;

/** x^n mod P for any n < 2^64. */
uint32_t XPowModP(uint64_t n) {
  uint32_t p = 1u << 31;  // x^0
  for (int k = 0; n != 0; k++, n >>= 1) {
    if (n & 1) p = MultModP(kTables.x2n[k], p);
  }
  return p;
}

/** The raw (not inverted) CRC register after the bytes, by slicing-by-8. */
uint32_t CrcTable(uint32_t c, const uint8_t* p, size_t n) {
  const auto& t = kTables.slice;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint32_t lo;
    std::memcpy(&lo, p + i, 4);
    lo ^= c;
    c = t[7][lo & 255] ^ t[6][(lo >> 8) & 255] ^ t[5][(lo >> 16) & 255] ^ t[4][lo >> 24] ^ t[3][p[i + 4]] ^ t[2][p[i + 5]] ^ t[1][p[i + 6]] ^
        t[0][p[i + 7]];
  }
  for (; i < n; i++) c = t[0][(c ^ p[i]) & 255] ^ (c >> 8);
  return c;
}

#if PFSC_X86
// Block sizes for the three streams, and the constants that move a stream's CRC past the
// blocks after it: c * x^(8 * bytes) mod P = crc32(0, clmul(c, x^(8 * bytes - 33) mod P)),
// since clmul of two reflected 32-bit values is their product times x, and crc32 of a
// 64-bit word w is w * x^32 mod P.
constexpr size_t kLong = 8192;
constexpr size_t kShort = 256;

struct Shifts {
  uint64_t long1, long2, short1, short2;
  Shifts()
      : long1(XPowModP(8 * kLong - 33)),
        long2(XPowModP(8 * 2 * kLong - 33)),
        short1(XPowModP(8 * kShort - 33)),
        short2(XPowModP(8 * 2 * kShort - 33)) {}
};

const Shifts kShifts;

PFSC_CRC_HW inline uint32_t ShiftCrc(uint32_t c, uint64_t k) {
  __m128i prod = _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(c)), _mm_cvtsi64_si128(static_cast<long long>(k)), 0);
  return static_cast<uint32_t>(_mm_crc32_u64(0, static_cast<uint64_t>(_mm_cvtsi128_si64(prod))));
}

PFSC_CRC_HW inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

/** Three streams of `block` bytes each, then joined: for as long as 3 blocks remain. */
PFSC_CRC_HW inline uint64_t ThreeWay(uint64_t c0, const uint8_t*& p, size_t& n, size_t block, uint64_t k1, uint64_t k2) {
  while (n >= 3 * block) {
    uint64_t c1 = 0, c2 = 0;
    const uint8_t* a = p;
    const uint8_t* b = p + block;
    const uint8_t* c = p + 2 * block;
    for (size_t j = 0; j < block; j += 8) {
      c0 = _mm_crc32_u64(c0, Load64(a + j));
      c1 = _mm_crc32_u64(c1, Load64(b + j));
      c2 = _mm_crc32_u64(c2, Load64(c + j));
    }
    c0 = ShiftCrc(static_cast<uint32_t>(c0), k2) ^ ShiftCrc(static_cast<uint32_t>(c1), k1) ^ c2;
    p += 3 * block;
    n -= 3 * block;
  }
  return c0;
}

PFSC_CRC_HW uint32_t CrcHardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    n--;
  }
  c = ThreeWay(c, p, n, kLong, kShifts.long1, kShifts.long2);
  c = ThreeWay(c, p, n, kShort, kShifts.short1, kShifts.short2);
  for (; n >= 8; n -= 8, p += 8) c = _mm_crc32_u64(c, Load64(p));
  for (; n > 0; n--) c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
  return static_cast<uint32_t>(c);
}
#endif

}  // namespace

uint32_t Crc32c(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
#if PFSC_X86
  if (CurrentSimd() != Simd::Scalar) return ~CrcHardware(c, p, n);
#endif
  return ~CrcTable(c, p, n);
}

uint32_t Crc32cCombineValues(uint32_t crcA, uint32_t crcB, uint64_t lenB) {
  return MultModP(XPowModP(8 * lenB), crcA) ^ crcB;
}

Napi::Value Crc32cJs(const Napi::CallbackInfo& info) {
  Bytes buf;
  size_t start, end;
  if (!GetBytes(info, 1, "crc32c", &buf) || !GetRange(info, 2, "crc32c", buf.length, &start, &end)) return info.Env().Undefined();
  Napi::Number crc;
  if (!GetNumberLike(info, 0, &crc)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), Crc32c(crc.Uint32Value(), buf.data + start, end - start));
}

Napi::Value Crc32cCombine(const Napi::CallbackInfo& info) {
  double len;
  if (!GetInteger(info, 2, &len) || len < 0 || len > 9007199254740991.0) {  // a count a number holds exactly
    ThrowRange(info.Env(), "crc32cCombine: " + NumberText(info, 2) + " is not a byte count");
    return info.Env().Undefined();
  }
  Napi::Number a, b;
  if (!GetNumberLike(info, 0, &a) || !GetNumberLike(info, 1, &b)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), Crc32cCombineValues(a.Uint32Value(), b.Uint32Value(), static_cast<uint64_t>(len)));
}

}  // namespace pfsc
