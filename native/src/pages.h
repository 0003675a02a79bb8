// Large arrays on transparent huge pages. A fresh 4 KiB page costs a fault on first touch,
// and on these virtual machines faulting in 32 MiB of them took 22-24 ms against 6-9 ms in
// 2 MiB pages (a C test program, madvise(MADV_HUGEPAGE) on a 2 MiB-aligned mapping). The
// k-gram tables are written once, all over, so they are where the faults add up.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

/** `bytes` of uninitialised memory, 64-byte aligned, on huge pages when large (nullptr when out of memory). */
void* PagesAlloc(size_t bytes);
/** Frees what PagesAlloc returned for the same size. */
void PagesFree(void* p, size_t bytes);

/**
 * Scratch memory for the length of one job, lent by a pool the process keeps: a build's
 * scratch is as large as its records (8 bytes an entry), and fresh pages cost a fault and
 * the kernel's zeroing on first touch, which was a fifth of a table build. Released
 * buffers are kept for the next job, up to kScratchKept bytes in all (the largest are
 * returned to the system first). data() is nullptr when the memory is not there.
 */
class ScratchLease {
 public:
  explicit ScratchLease(size_t bytes);
  ~ScratchLease();
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  void* data() const { return p_; }

 private:
  void* p_ = nullptr;
  size_t bytes_ = 0;  // the buffer's own size, at least the bytes asked for
};

/** Bytes of released scratch the pool keeps. */
constexpr size_t kScratchKept = size_t{256} << 20;

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
