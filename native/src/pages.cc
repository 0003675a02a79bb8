#include "pages.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

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
  // 64-byte lines: the k-gram build's write-combining lines and streamed segments need it.
  return std::aligned_alloc(64, (bytes + 63) & ~size_t{63});
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

namespace {

/** Released scratch buffers (address, size) and their total size; guarded by mu. */
struct ScratchPool {
  std::mutex mu;
  std::vector<std::pair<void*, size_t>> free;
  size_t kept = 0;
};

ScratchPool& Pool() {
  static ScratchPool* pool = new ScratchPool();  // never destroyed: jobs may end during exit
  return *pool;
}

}  // namespace

ScratchLease::ScratchLease(size_t bytes) {
  if (bytes == 0) bytes = 1;
  ScratchPool& pool = Pool();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    // The smallest kept buffer that is large enough.
    size_t best = pool.free.size();
    for (size_t i = 0; i < pool.free.size(); i++) {
      if (pool.free[i].second >= bytes && (best == pool.free.size() || pool.free[i].second < pool.free[best].second)) best = i;
    }
    if (best < pool.free.size()) {
      p_ = pool.free[best].first;
      bytes_ = pool.free[best].second;
      pool.kept -= bytes_;
      pool.free.erase(pool.free.begin() + static_cast<std::ptrdiff_t>(best));
      return;
    }
  }
  p_ = PagesAlloc(bytes);
  bytes_ = bytes;
}

ScratchLease::~ScratchLease() {
  if (p_ == nullptr) return;
  std::vector<std::pair<void*, size_t>> drop;
  {
    ScratchPool& pool = Pool();
    std::lock_guard<std::mutex> lock(pool.mu);
    pool.free.emplace_back(p_, bytes_);
    pool.kept += bytes_;
    // Over the cap: return the largest buffers first.
    std::sort(pool.free.begin(), pool.free.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    while (pool.kept > kScratchKept && !pool.free.empty()) {
      drop.push_back(pool.free.back());
      pool.kept -= pool.free.back().second;
      pool.free.pop_back();
    }
  }
  for (const auto& [p, bytes] : drop) PagesFree(p, bytes);
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
