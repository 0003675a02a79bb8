// Match extension: how many bytes two arrays share forward, or backward, from a point.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

/** Largest n <= max with a[j] == b[j] for j < n. */
size_t MatchForwardBytes(const uint8_t* a, const uint8_t* b, size_t max);
/** Largest n <= max with a[-1 - j] == b[-1 - j] for j < n. */
size_t MatchBackwardBytes(const uint8_t* a, const uint8_t* b, size_t max);

Napi::Value MatchForward(const Napi::CallbackInfo& info);
Napi::Value MatchBackward(const Napi::CallbackInfo& info);

}  // namespace pfsc
