// The index's delta sequences (xorDeltas, addDeltas).
#pragma once

#include <napi.h>

namespace pfsc {

Napi::Value XorDeltas(const Napi::CallbackInfo& info);
Napi::Value AddDeltas(const Napi::CallbackInfo& info);

}  // namespace pfsc
