// Large arrays on transparent huge pages. A fresh 4 KiB page costs a fault on first touch,
// and on these virtual machines faulting in 32 MiB of them took 22-24 ms against 6-9 ms in
// 2 MiB pages (a C test program, madvise(MADV_HUGEPAGE) on a 2 MiB-aligned mapping). The
// k-gram tables are written once, all over, so they are where the faults add up.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

/** `bytes` of uninitialised memory, on huge pages when large (nullptr when out of memory). */
void* PagesAlloc(size_t bytes);
/** Frees what PagesAlloc returned for the same size. */
void PagesFree(void* p, size_t bytes);

/**
 * An ArrayBuffer over `bytes` of PagesAlloc memory, which it owns from then on: freed when
 * the buffer is collected, and counted as external memory for V8 meanwhile.
 */
Napi::ArrayBuffer PagesArrayBuffer(Napi::Env env, void* p, size_t bytes);

/**
 * An Int32Array of `length` uninitialised words in PagesAlloc memory, freed when the array
 * is collected (V8 is told of the memory). *data receives its first word; an empty Value
 * with a RangeError pending when the memory is not there.
 */
Napi::Value NewPagesInt32Array(Napi::Env env, size_t length, int32_t** data);

}  // namespace pfsc
