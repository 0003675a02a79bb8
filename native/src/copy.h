// Segment execution: one copy segment, moved and transformed in one pass.
#pragma once

#include <napi.h>

namespace pfsc {

Napi::Value ExecuteCopy(const Napi::CallbackInfo& info);

}  // namespace pfsc
