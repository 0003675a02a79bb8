// countEq: how many bytes of a range equal a value.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

size_t CountEqBytes(const uint8_t* p, size_t n, uint8_t value);

Napi::Value CountEq(const Napi::CallbackInfo& info);

}  // namespace pfsc
