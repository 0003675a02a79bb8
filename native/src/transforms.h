// xor and add of an 8-bit immediate: in place (xorInPlace, addInPlace) and fused with a
// copy (used by executeCopy). dst may equal src; other overlaps are the caller's to avoid.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

void XorBytes(uint8_t* dst, const uint8_t* src, size_t n, uint8_t imm);
void AddBytes(uint8_t* dst, const uint8_t* src, size_t n, uint8_t imm);

Napi::Value XorInPlace(const Napi::CallbackInfo& info);
Napi::Value AddInPlace(const Napi::CallbackInfo& info);

}  // namespace pfsc
