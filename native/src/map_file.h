// mapFile: a file's bytes as an ArrayBuffer over a private read-only mapping, no copy.
#pragma once

#include <napi.h>

namespace pfsc {

Napi::Value MapFile(const Napi::CallbackInfo& info);

}  // namespace pfsc
