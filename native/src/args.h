// Argument reading shared by the kernels: byte arrays and integer positions, checked the
// way the JavaScript twins check them (src/engine/js/range.ts), so both engines throw a
// RangeError for the same calls.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pfsc {

struct Bytes {
  uint8_t* data = nullptr;
  size_t length = 0;
};

inline void ThrowRange(Napi::Env env, const std::string& message) {
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
}

inline void ThrowType(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
}

/** A Uint8Array (or Buffer) argument; false (with a TypeError thrown) for anything else. */
inline bool GetBytes(const Napi::CallbackInfo& info, size_t i, const char* what, Bytes* out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowType(info.Env(), std::string(what) + ": argument " + std::to_string(i + 1) + " must be a Uint8Array");
    return false;
  }
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  out->data = a.Data();
  out->length = a.ElementLength();
  return true;
}

/** A number argument that is an integer (possibly negative); false when it is not. */
inline bool GetInteger(const Napi::CallbackInfo& info, size_t i, double* out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) return false;
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) return false;
  *out = d;
  return true;
}

inline std::string NumberText(const Napi::CallbackInfo& info, size_t i) {
  return info[i].ToString().Utf8Value();
}

/**
 * Reads [start, end) from arguments i and i + 1 and checks 0 <= start <= end <= length;
 * throws the JS twins' RangeError otherwise.
 */
inline bool GetRange(const Napi::CallbackInfo& info, size_t i, const char* what, size_t length, size_t* start, size_t* end) {
  double s, e;
  if (!GetInteger(info, i, &s) || !GetInteger(info, i + 1, &e) || s < 0 || s > e || e > static_cast<double>(length)) {
    ThrowRange(info.Env(), std::string(what) + ": range [" + NumberText(info, i) + ", " + NumberText(info, i + 1) + ") is outside the " +
                               std::to_string(length) + "-byte array");
    return false;
  }
  *start = static_cast<size_t>(s);
  *end = static_cast<size_t>(e);
  return true;
}

/** The low 8 bits of a number argument, as JavaScript's `value & 255` gives them. */
inline uint8_t GetByte(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) return static_cast<uint8_t>(v.ToNumber().Int32Value() & 255);
  return static_cast<uint8_t>(v.As<Napi::Number>().Int32Value() & 255);
}

}  // namespace pfsc
