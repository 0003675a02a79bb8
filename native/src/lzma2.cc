#include "lzma2.h"

#include <mutex>
#include <string>

#include "args.h"

#if defined(__has_include)
#if __has_include(<lzma.h>) && !defined(_WIN32)
#define PFSC_LZMA_H 1
#endif
#endif

#ifdef PFSC_LZMA_H
#include <dlfcn.h>
#include <lzma.h>
#endif

namespace pfsc {

namespace {

#ifdef PFSC_LZMA_H
using RawBufferDecode = lzma_ret (*)(const lzma_filter*, const lzma_allocator*, const uint8_t*, size_t*, size_t, uint8_t*, size_t*, size_t);
using VersionString = const char* (*)();

struct Liblzma {
  RawBufferDecode decode = nullptr;
  const char* version = nullptr;
};

/**
 * liblzma.so.5, opened once with its own symbols (RTLD_LOCAL): lzma-native's copy of
 * liblzma, loaded in the same process, keeps its own. Version 5.2 or later, whose raw
 * decoder this code was checked against; an older one is not used.
 */
const Liblzma& GetLiblzma() {
  static Liblzma lib;
  static std::once_flag once;
  std::call_once(once, [] {
    void* handle = dlopen("liblzma.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return;
    auto decode = reinterpret_cast<RawBufferDecode>(dlsym(handle, "lzma_raw_buffer_decode"));
    auto versionNumber = reinterpret_cast<uint32_t (*)()>(dlsym(handle, "lzma_version_number"));
    auto versionString = reinterpret_cast<VersionString>(dlsym(handle, "lzma_version_string"));
    if (decode == nullptr || versionNumber == nullptr || versionString == nullptr || versionNumber() < 50020000u) return;
    lib.decode = decode;
    lib.version = versionString();
  });
  return lib;
}
#endif

constexpr int kOverflow = -1;
constexpr int kDamaged = -2;
constexpr int kNoMemory = -3;

#ifdef PFSC_LZMA_H
/** The decode itself: no JavaScript value, so it runs on any thread. */
double DecodeRaw(const Liblzma& lib, const Bytes& coded, const Bytes& out, uint32_t dict) {
  lzma_options_lzma options{};
  options.dict_size = dict;
  const lzma_filter filters[2] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  size_t inPos = 0;
  size_t outPos = 0;
  // One call: liblzma stops at out's end (LZMA_BUF_ERROR when more would come) and never
  // writes past it; on an error it leaves out's contents undefined, which the caller drops.
  lzma_ret ret = lib.decode(filters, nullptr, coded.data, &inPos, coded.length, out.data, &outPos, out.length);
  switch (ret) {
    case LZMA_OK:
      // The stream's end marker must be its last byte (src/format/lzma2.ts checks it first).
      return inPos == coded.length ? static_cast<double>(outPos) : kDamaged;
    case LZMA_BUF_ERROR:
      return kOverflow;
    case LZMA_MEM_ERROR:
      return kNoMemory;
    default:
      return kDamaged;
  }
}

class Lzma2Worker : public Napi::AsyncWorker {
 public:
  Lzma2Worker(Napi::Env env, const Liblzma& lib, Napi::Uint8Array coded, Napi::Uint8Array out, const Bytes& codedBytes,
              const Bytes& outBytes, uint32_t dict)
      : Napi::AsyncWorker(env, "pfsc:lzma2Decode"),
        lib_(lib),
        codedBytes_(codedBytes),
        outBytes_(outBytes),
        dict_(dict),
        deferred_(Napi::Promise::Deferred::New(env)),
        coded_(Napi::Persistent(coded.As<Napi::Object>())),
        out_(Napi::Persistent(out.As<Napi::Object>())) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  // Off the JavaScript thread: only the raw memory of coded and out, which the references
  // above keep alive.
  void Execute() override { result_ = DecodeRaw(lib_, codedBytes_, outBytes_, dict_); }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), result_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  const Liblzma& lib_;
  Bytes codedBytes_;
  Bytes outBytes_;
  uint32_t dict_;
  double result_ = kDamaged;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference coded_;
  Napi::ObjectReference out_;
};
#endif

}  // namespace

const char* Lzma2DecoderVersion() {
#ifdef PFSC_LZMA_H
  return GetLiblzma().version;
#else
  return nullptr;
#endif
}

Napi::Value Lzma2DecodeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes coded;
  Bytes out;
  if (!GetBytes(info, 0, "lzma2DecodeAsync", &coded) || !GetBytes(info, 1, "lzma2DecodeAsync", &out)) return env.Undefined();
  double dict;
  // liblzma's own bounds for an LZMA2 dictionary: 4 KiB to 1.5 GiB.
  if (!GetInteger(info, 2, &dict) || dict < 4096 || dict > 1610612736.0) {
    ThrowRange(env, "lzma2DecodeAsync: dictSize " + NumberText(info, 2) + " is not in 4096..1610612736");
    return env.Undefined();
  }
#ifdef PFSC_LZMA_H
  const Liblzma& lib = GetLiblzma();
  if (lib.decode == nullptr) {
    ThrowRange(env, "lzma2DecodeAsync: the system's liblzma.so.5 is not available");
    return env.Undefined();
  }
  auto* worker = new Lzma2Worker(env, lib, info[0].As<Napi::Uint8Array>(), info[1].As<Napi::Uint8Array>(), coded, out, static_cast<uint32_t>(dict));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
#else
  ThrowRange(env, "lzma2DecodeAsync: the addon was built without lzma.h");
  return env.Undefined();
#endif
}

}  // namespace pfsc
