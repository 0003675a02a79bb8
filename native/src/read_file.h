// Reading a whole file off the JavaScript thread, with its SHA-256 computed as it is read
// (refs are read whole and identified by their digest), into huge-page memory (pages.h).
// The digest comes from the OpenSSL the host Node carries, found at run time (dlsym): no
// header or library is needed to build, and when the symbols are not there the digest is
// left to JavaScript (the result then has no sha256).
#pragma once

#include <napi.h>

namespace pfsc {

/** True when SHA-256 from the host's OpenSSL is available to the addon. */
bool HaveSha256();

/**
 * readFileAsync(path, maxBytes): a Promise of { bytes: Uint8Array, sha256?: Uint8Array }.
 * Rejects with an Error whose code is the errno name (ENOENT, EACCES, ...) or one of
 * ENOTREG (not a regular file), EFBIG (more than maxBytes), ESHRINK / EGROW (the file
 * changed size while it was read).
 */
Napi::Value ReadFileAsync(const Napi::CallbackInfo& info);

/** allocBytes(length): a zero-filled Uint8Array, on huge pages when large. */
Napi::Value AllocBytes(const Napi::CallbackInfo& info);

}  // namespace pfsc
