#include "fnv.h"

#include "args.h"

namespace pfsc {

uint64_t Fnv1a64(uint64_t h, const uint8_t* p, size_t n) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  // Each byte waits for the previous multiply (three cycles or so): unrolling only saves the
  // loop overhead around it.
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    h = (h ^ p[i]) * kPrime;
    h = (h ^ p[i + 1]) * kPrime;
    h = (h ^ p[i + 2]) * kPrime;
    h = (h ^ p[i + 3]) * kPrime;
  }
  for (; i < n; i++) h = (h ^ p[i]) * kPrime;
  return h;
}

Napi::Value Fnv1a64Js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes buf;
  size_t start, end;
  if (!GetBytes(info, 1, "fnv1a64", &buf) || !GetRange(info, 2, "fnv1a64", buf.length, &start, &end)) return env.Undefined();
  if (!info[0].IsBigInt()) {
    ThrowType(env, "fnv1a64: the state must be a BigInt");
    return env.Undefined();
  }
  bool lossless;
  // The low 64 bits, as BigInt.asUintN(64, state) gives them.
  uint64_t state = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  return Napi::BigInt::New(env, Fnv1a64(state, buf.data + start, end - start));
}

}  // namespace pfsc
