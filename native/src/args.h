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

// An exception already pending (an argument's conversion threw) is the one the caller sees:
// N-API cannot throw a second, and trying it ends the process.
inline void ThrowRange(Napi::Env env, const std::string& message) {
  if (env.IsExceptionPending()) return;
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
}

inline void ThrowType(Napi::Env env, const std::string& message) {
  if (env.IsExceptionPending()) return;
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

/**
 * An argument as text for a message, as a template string shows it. A value that cannot be
 * shown (a symbol, an object whose toString throws) is named instead; the conversion's own
 * exception is dropped, as the message's RangeError is the one to throw.
 */
inline std::string NumberText(const Napi::CallbackInfo& info, size_t i) {
  Napi::Env env = info.Env();
  Napi::Value v = info[i];
  if (v.IsSymbol()) return "a symbol";
  if (env.IsExceptionPending()) return "a value";
  Napi::String text = v.ToString();
  if (env.IsExceptionPending()) {
    env.GetAndClearPendingException();
    return "a value";
  }
  return text.Utf8Value();
}

/**
 * A number argument as ToNumber gives it (so `value >>> 0` and `value & 255` read the same
 * bits as in JavaScript); false, with the conversion's TypeError pending, for a BigInt, a
 * symbol or an object whose valueOf throws.
 */
inline bool GetNumberLike(const Napi::CallbackInfo& info, size_t i, Napi::Number* out) {
  Napi::Value v = info[i];
  if (v.IsNumber()) {
    *out = v.As<Napi::Number>();
    return true;
  }
  Napi::Number n = v.ToNumber();
  if (info.Env().IsExceptionPending()) return false;
  *out = n;
  return true;
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

/** The low 8 bits of a number argument, as JavaScript's `value & 255` gives them (see GetNumberLike). */
inline bool GetByte(const Napi::CallbackInfo& info, size_t i, uint8_t* out) {
  Napi::Number n;
  if (!GetNumberLike(info, i, &n)) return false;
  *out = static_cast<uint8_t>(n.Int32Value() & 255);
  return true;
}

}  // namespace pfsc
