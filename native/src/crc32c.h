// CRC-32C (Castagnoli), zlib-style running value: Crc32c(0, "123456789") = 0xE3069283.
// Scalar: slicing-by-8 tables. AVX2 level and up: SSE4.2 crc32 instructions on three
// interleaved streams, joined with PCLMULQDQ multiplications.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

uint32_t Crc32c(uint32_t crc, const uint8_t* p, size_t n);
/** Crc32c(0, a ‖ b) from Crc32c(0, a), Crc32c(0, b) and b's length. */
uint32_t Crc32cCombineValues(uint32_t crcA, uint32_t crcB, uint64_t lenB);

Napi::Value Crc32cJs(const Napi::CallbackInfo& info);
Napi::Value Crc32cCombine(const Napi::CallbackInfo& info);

}  // namespace pfsc
