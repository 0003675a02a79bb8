#include "copy.h"

#include <cstring>

#include "args.h"
#include "transforms.h"

namespace pfsc {

namespace {

constexpr int kCopy = 1;
constexpr int kXor = 2;
constexpr int kAdd = 3;

/** Reads the position argument `i` and checks [pos, pos + len) lies in the array. */
bool GetSpan(const Napi::CallbackInfo& info, size_t i, const char* what, size_t length, double len, double* pos) {
  if (!GetInteger(info, i, pos) || *pos < 0 || *pos + len > static_cast<double>(length)) {
    ThrowRange(info.Env(), std::string(what) + ": " + NumberText(info, 4) + " bytes at " + NumberText(info, i) + " are outside the " +
                               std::to_string(length) + "-byte array");
    return false;
  }
  return true;
}

}  // namespace

// The checks and their order are src/engine/js/copy.ts's checkCopyArgs.
Napi::Value ExecuteCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes out, src;
  if (!GetBytes(info, 0, "executeCopy", &out) || !GetBytes(info, 2, "executeCopy", &src)) return env.Undefined();
  double outPos = 0, srcPos = 0, len = 0, op = 0;
  if (!GetInteger(info, 4, &len) || len < 0) {
    ThrowRange(env, "executeCopy: " + NumberText(info, 4) + " is not a byte count");
    return env.Undefined();
  }
  if (!GetSpan(info, 1, "executeCopy (output)", out.length, len, &outPos)) return env.Undefined();
  if (!GetSpan(info, 3, "executeCopy (source)", src.length, len, &srcPos)) return env.Undefined();
  if (!GetInteger(info, 5, &op) || (op != kCopy && op != kXor && op != kAdd)) {
    ThrowRange(env, "executeCopy: " + NumberText(info, 5) + " is not a copy op code");
    return env.Undefined();
  }
  size_t n = static_cast<size_t>(len);
  if (n == 0) return env.Undefined();
  uint8_t* d = out.data + static_cast<size_t>(outPos);
  const uint8_t* s = src.data + static_cast<size_t>(srcPos);
  uint8_t imm = GetByte(info, 6);
  int code = static_cast<int>(op);
  if (code == kCopy || imm == 0) {
    if (d != s) std::memmove(d, s, n);
    return env.Undefined();
  }
  // Overlapping but distinct ranges (a copy from earlier output): move first, then
  // transform in place, as the JS twin does.
  if (d != s && d < s + n && s < d + n) {
    std::memmove(d, s, n);
    s = d;
  }
  if (code == kXor) XorBytes(d, s, n, imm);
  else AddBytes(d, s, n, imm);
  return env.Undefined();
}

}  // namespace pfsc
