// 64-bit FNV-1a: a serial multiply per byte; nothing to vectorize.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

uint64_t Fnv1a64(uint64_t state, const uint8_t* p, size_t n);

Napi::Value Fnv1a64Js(const Napi::CallbackInfo& info);

}  // namespace pfsc
