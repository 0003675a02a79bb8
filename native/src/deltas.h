// The index's delta sequences (xorDeltas, addDeltas) and a k-gram table's occupancy bits.
#pragma once

#include <napi.h>

namespace pfsc {

Napi::Value XorDeltas(const Napi::CallbackInfo& info);
Napi::Value AddDeltas(const Napi::CallbackInfo& info);
Napi::Value Occupancy(const Napi::CallbackInfo& info);

}  // namespace pfsc
