// The k-gram table of src/index/table.ts (buildTable), bit for bit: the hashes of
// src/index/hash.ts, entries every `step` bytes, bucketed by hash, lowest position first.
// With threads = 2 each pass runs on two threads (the same table);
// buildKgramTableAsync runs the build in an AsyncWorker, which touches no JavaScript value
// while it runs.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace pfsc {

struct KgramJob {
  const uint8_t* seq = nullptr;
  size_t length = 0;
  int k = 8;
  size_t step = 1;
  int bits = 10;
  unsigned shift = 22;
  int threads = 1;
  size_t entries_count = 0;
  int32_t* start = nullptr;    // 2^bits + 1 words
  int32_t* entries = nullptr;  // entries_count words
  uint16_t* bloom = nullptr;   // 2^bits halfwords: bit (c & 15) for each check byte c in the bucket
  uint8_t* check = nullptr;    // entries_count bytes
};

/** hashAt(seq, pos, k, shift) of src/index/hash.ts. */
uint32_t KgramHash(const uint8_t* p, int k, unsigned shift);

/** Fills job.start, job.entries, job.check and job.bloom; false when its scratch memory is not there. */
bool BuildKgram(const KgramJob& job);

Napi::Value BuildKgramTable(const Napi::CallbackInfo& info);
Napi::Value BuildKgramTableAsync(const Napi::CallbackInfo& info);

}  // namespace pfsc
