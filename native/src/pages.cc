#include "pages.h"

#include <cstdlib>
#include <string>

#ifndef _WIN32
#include <sys/mman.h>
#endif

#include "args.h"

namespace pfsc {

namespace {

constexpr size_t kHuge = size_t{2} << 20;

struct Hint {
  size_t bytes;
};

}  // namespace

void* PagesAlloc(size_t bytes) {
  if (bytes == 0) bytes = 1;
#if defined(__linux__)
  if (bytes >= kHuge) {
    // Over-map by one huge page to align the start; the slack is returned to the system.
    size_t total = bytes + kHuge;
    void* raw = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    uintptr_t base = reinterpret_cast<uintptr_t>(raw);
    uintptr_t aligned = (base + kHuge - 1) & ~(kHuge - 1);
    size_t head = aligned - base;
    size_t tail = total - head - bytes;
    if (head > 0) munmap(raw, head);
    if (tail > 0) munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint; ignored when THP is off
    return reinterpret_cast<void*>(aligned);
  }
#endif
  return std::malloc(bytes);
}

void PagesFree(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (bytes == 0) bytes = 1;
#if defined(__linux__)
  if (bytes >= kHuge) {
    munmap(p, bytes);
    return;
  }
#endif
  std::free(p);
}

Napi::ArrayBuffer PagesArrayBuffer(Napi::Env env, void* p, size_t bytes) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, p, bytes, [](Napi::Env finalEnv, void* mem, Hint* hint) {
        PagesFree(mem, hint->bytes);
        Napi::MemoryManagement::AdjustExternalMemory(finalEnv, -static_cast<int64_t>(hint->bytes));
        delete hint;
      },
      new Hint{bytes});
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes));
  return buffer;
}

Napi::Value NewPagesInt32Array(Napi::Env env, size_t length, int32_t** data) {
  size_t bytes = length * sizeof(int32_t);
  void* p = PagesAlloc(bytes);
  if (p == nullptr) {
    ThrowRange(env, "out of memory for a table of " + std::to_string(length) + " words");
    return Napi::Value();
  }
  *data = static_cast<int32_t*>(p);
  return Napi::Int32Array::New(env, length, PagesArrayBuffer(env, p, bytes), 0);
}

}  // namespace pfsc
