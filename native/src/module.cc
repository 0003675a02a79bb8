// The pfsc native engine: registers every kernel (one file per job beside this one). The
// JavaScript side (src/engine/load-native.ts) checks apiVersion before using any of them.
#include <napi.h>

#include "copy.h"
#include "count.h"
#include "crc32c.h"
#include "deltas.h"
#include "fnv.h"
#include "kgram.h"
#include "lzma2.h"
#include "map_file.h"
#include "match.h"
#include "read_file.h"
#include "simd.h"
#include "transforms.h"

#ifndef PFSC_ADDON_VERSION
#define PFSC_ADDON_VERSION "0.0.0"
#endif

namespace pfsc {

namespace {

/** Must equal NATIVE_API in src/engine/load-native.ts. */
constexpr int kApiVersion = 6;

Napi::Value CpuSimdJs(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), SimdName(CpuSimd())); }

Napi::Value SetSimdJs(const Napi::CallbackInfo& info) {
  Simd level;
  if (!info[0].IsString() || !ParseSimd(info[0].As<Napi::String>().Utf8Value().c_str(), &level)) {
    Napi::RangeError::New(info.Env(), "setSimd: the level must be scalar, avx2 or avx512").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::String::New(info.Env(), SimdName(SetSimd(level)));
}

// Opens liblzma on first call, not at load: most commands never decode LZMA2.
Napi::Value Lzma2VersionJs(const Napi::CallbackInfo& info) {
  const char* version = Lzma2DecoderVersion();
  return version != nullptr ? Napi::Value(Napi::String::New(info.Env(), version)) : info.Env().Null();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("apiVersion", Napi::Number::New(env, kApiVersion));
  exports.Set("version", Napi::String::New(env, PFSC_ADDON_VERSION));
  exports.Set("cpuSimd", Napi::Function::New(env, CpuSimdJs, "cpuSimd"));
  exports.Set("setSimd", Napi::Function::New(env, SetSimdJs, "setSimd"));
  exports.Set("xorInPlace", Napi::Function::New(env, XorInPlace, "xorInPlace"));
  exports.Set("addInPlace", Napi::Function::New(env, AddInPlace, "addInPlace"));
  exports.Set("countEq", Napi::Function::New(env, CountEq, "countEq"));
  exports.Set("crc32c", Napi::Function::New(env, Crc32cJs, "crc32c"));
  exports.Set("crc32cCombine", Napi::Function::New(env, Crc32cCombine, "crc32cCombine"));
  exports.Set("fnv1a64", Napi::Function::New(env, Fnv1a64Js, "fnv1a64"));
  exports.Set("matchForward", Napi::Function::New(env, MatchForward, "matchForward"));
  exports.Set("matchBackward", Napi::Function::New(env, MatchBackward, "matchBackward"));
  exports.Set("buildKgramTable", Napi::Function::New(env, BuildKgramTable, "buildKgramTable"));
  exports.Set("buildKgramTableAsync", Napi::Function::New(env, BuildKgramTableAsync, "buildKgramTableAsync"));
  exports.Set("xorDeltas", Napi::Function::New(env, XorDeltas, "xorDeltas"));
  exports.Set("addDeltas", Napi::Function::New(env, AddDeltas, "addDeltas"));
  exports.Set("executeCopy", Napi::Function::New(env, ExecuteCopy, "executeCopy"));
  exports.Set("addDiff", Napi::Function::New(env, AddDiff, "addDiff"));
  exports.Set("mapFile", Napi::Function::New(env, MapFile, "mapFile"));
  exports.Set("readFileAsync", Napi::Function::New(env, ReadFileAsync, "readFileAsync"));
  exports.Set("haveSha256", Napi::Boolean::New(env, HaveSha256()));
  exports.Set("allocBytes", Napi::Function::New(env, AllocBytes, "allocBytes"));
  exports.Set("lzma2Version", Napi::Function::New(env, Lzma2VersionJs, "lzma2Version"));
  exports.Set("lzma2DecodeAsync", Napi::Function::New(env, Lzma2DecodeAsync, "lzma2DecodeAsync"));
  return exports;
}

}  // namespace pfsc

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return pfsc::Init(env, exports); }

NODE_API_MODULE(pfsc_native, InitModule)
