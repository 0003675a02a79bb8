// Raw LZMA2 decoding with the system's liblzma (liblzma.so.5, opened at run time), which
// decodes about 1.6x as fast as the liblzma 5.2.3 that lzma-native bundles. Without it (no
// lzma.h at build time, no liblzma.so.5 at run time) the addon exports no decoder and pfsc
// decodes with lzma-native (src/format/lzma2.ts), the reference.
#pragma once

#include <napi.h>

namespace pfsc {

/** The liblzma version string when the decoder is there, else nullptr. */
const char* Lzma2DecoderVersion();

/**
 * lzma2DecodeAsync(coded, out, dictSize): decodes the raw LZMA2 stream `coded` into `out`
 * on libuv's pool (an AsyncWorker that touches no JavaScript value), never past out's end.
 * Neither array may change until the promise settles. Resolves to the bytes written (>= 0),
 * or
 *   -1 when the data decodes to more than out holds,
 *   -2 when the data is damaged (or ends before its end marker, or has bytes after it),
 *   -3 when liblzma could not allocate its dictionary.
 * Bad arguments throw at once.
 */
Napi::Value Lzma2DecodeAsync(const Napi::CallbackInfo& info);

}  // namespace pfsc
