// Segment execution: one copy segment, moved and transformed in one pass.
#pragma once

#include <napi.h>

namespace pfsc {

Napi::Value ExecuteCopy(const Napi::CallbackInfo& info);
/** addDiff(out, outPos, diff, diffPos, len): out[outPos + k] += diff[diffPos + k] mod 256 (COPY_DIFF). */
Napi::Value AddDiff(const Napi::CallbackInfo& info);

}  // namespace pfsc
