// The floor of the banks' table build on this machine: what each part of building a k-gram
// index costs when it is done alone, with nothing else around it, over the table that
// bench/engine.js times (16 MiB of random bytes, k = 16 every 8 bytes, 2^19 buckets).
// bench/index-floor.js compiles and runs it next to the addon's buildKgramTable.
//
// Each measure is the median of --reps runs and prints one line: name, then ns per entry.
// The loops are the least of each pass: no block chains, one cursor per partition, no
// threads, the input's hashes computed beforehand where a pass does not hash.
//
//   c++ -O3 -march=native -o index-floor index-floor.cc && ./index-floor [--reps N]
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr size_t kBytes = size_t{16} << 20;
constexpr size_t kStep = 8;
constexpr int kBits = 19;  // about four entries a bucket, as src/index/table.ts sizes it
constexpr unsigned kShift = 32 - kBits;
constexpr int kPartBits = 11;  // the addon's partitions
constexpr int kLowBits = kBits - kPartBits;

double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint32_t Word(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// src/index/hash.ts's hash of 16 bytes (the addon's Hash16), unshifted.
uint32_t Hash16(const uint8_t* p) {
  uint32_t a = Word(p), c = Word(p + 4), d = Word(p + 8), e = Word(p + 12);
  uint32_t h = (a * 0x9e3779b1u) ^ ((c ^ (a >> 13)) * 0x85ebca77u);
  h = ((h ^ d ^ (h >> 15)) * 0x9e3779b1u) ^ ((e ^ (h >> 13)) * 0xc2b2ae3du);
  h ^= h >> 16;
  h *= 0xc2b2ae3du;
  return h ^ (h >> 15);
}

template <typename T>
T* Alloc(size_t n) {
  size_t bytes = (n * sizeof(T) + 63) & ~size_t{63};
  T* p = static_cast<T*>(std::aligned_alloc(64, bytes));
  if (p == nullptr) {
    std::fprintf(stderr, "index-floor: out of memory\n");
    std::exit(1);
  }
  std::memset(p, 0, bytes);  // touched once here, so no run pays the page faults
  return p;
}

int reps = 9;
uint64_t sink = 0;  // results feed it, so no loop is optimised away

template <typename Fn>
void Measure(const char* name, size_t perRun, Fn fn) {
  std::vector<double> ms;
  for (int r = 0; r < reps; r++) {
    double t = NowMs();
    fn();
    ms.push_back(NowMs() - t);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%s %.3f\n", name, ms[ms.size() / 2] * 1e6 / static_cast<double>(perRun));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
  }
  std::vector<uint8_t> seq(kBytes);
  uint32_t x = 11;
  for (auto& c : seq) {
    x = x * 1103515245u + 12345u;
    c = static_cast<uint8_t>(x >> 24);
  }
  const size_t n = (kBytes - 16) / kStep + 1;
  const size_t buckets = size_t{1} << kBits;
  const size_t parts = size_t{1} << kPartBits;
  const size_t lowBuckets = size_t{1} << kLowBits;

  std::vector<uint32_t> full(n);
  for (size_t e = 0; e < n; e++) full[e] = Hash16(seq.data() + e * kStep);
  std::printf("entries %zu\n", n);

  // 1. Hashing every k-gram, nothing else.
  Measure("hash", n, [&] {
    uint32_t acc = 0;
    for (size_t e = 0; e < n; e++) acc += Hash16(seq.data() + e * kStep);
    sink += acc;
  });

  // 2. The partition pass alone: each entry's 8-byte record into its partition (top
  //    kPartBits bits), gathered a 64-byte line at a time and streamed out whole, into
  //    partitions already sized (the addon grows chains instead).
  std::vector<size_t> partStart(parts + 1, 0);
  for (size_t e = 0; e < n; e++) partStart[((full[e] >> kShift) >> kLowBits) + 1]++;
  for (size_t p = 0; p < parts; p++) partStart[p + 1] += partStart[p];
  std::vector<size_t> lineAt(parts);
  size_t padded = 0;
  for (size_t p = 0; p < parts; p++) {
    lineAt[p] = padded;
    padded += (partStart[p + 1] - partStart[p] + 7) / 8 * 8 + 8;
  }
  uint64_t* lined = Alloc<uint64_t>(padded);
  struct alignas(64) Line {
    uint64_t rec[8];
  };
  Line* lines = Alloc<Line>(parts);
  uint32_t* cur = Alloc<uint32_t>(parts);
  Measure("partition", n, [&] {
    for (size_t p = 0; p < parts; p++) cur[p] = static_cast<uint32_t>(lineAt[p]);
    for (size_t e = 0; e < n; e++) {
      uint32_t h = full[e] >> kShift;
      uint32_t p = h >> kLowBits;
      uint64_t r = (static_cast<uint64_t>(((h & (lowBuckets - 1)) << 8) | ((full[e] >> (kShift - 8)) & 255)) << 32) | e;
      uint32_t pos = cur[p];
      lines[p].rec[pos % 8] = r;
      if (++pos % 8 == 0) {
        const __m128i* from = reinterpret_cast<const __m128i*>(lines[p].rec);
        __m128i* to = reinterpret_cast<__m128i*>(lined + pos - 8);
        for (int q = 0; q < 4; q++) _mm_stream_si128(to + q, _mm_load_si128(from + q));
      }
      cur[p] = pos;
    }
    _mm_sfence();
    sink += cur[parts / 2];
  });

  // 3. The sort pass alone: each partition's records, contiguous, counted by their low
  //    bucket bits and placed (entry, check byte, bucket halfword) into the table.
  uint64_t* rec = Alloc<uint64_t>(n);
  {
    std::vector<size_t> at(partStart.begin(), partStart.end() - 1);
    for (size_t e = 0; e < n; e++) {
      uint32_t h = full[e] >> kShift;
      rec[at[h >> kLowBits]++] = (static_cast<uint64_t>(((h & (lowBuckets - 1)) << 8) | ((full[e] >> (kShift - 8)) & 255)) << 32) | e;
    }
  }
  int32_t* start = Alloc<int32_t>(buckets + 1);
  int32_t* entries = Alloc<int32_t>(n);
  uint8_t* check = Alloc<uint8_t>(n);
  uint16_t* bloom = Alloc<uint16_t>(buckets);
  std::vector<uint32_t> next(lowBuckets);
  Measure("sort", n, [&] {
    for (size_t p = 0; p < parts; p++) {
      const uint64_t* r = rec + partStart[p];
      const size_t m = partStart[p + 1] - partStart[p];
      std::fill(next.begin(), next.end(), 0);
      uint16_t* b = bloom + (p << kLowBits);
      std::memset(b, 0, lowBuckets * sizeof(uint16_t));
      for (size_t i = 0; i < m; i++) next[static_cast<uint32_t>(r[i] >> 40)]++;
      uint32_t at = 0;
      for (size_t h = 0; h < lowBuckets; h++) {
        start[(p << kLowBits) + h] = static_cast<int32_t>(partStart[p] + at);
        uint32_t c = next[h];
        next[h] = at;
        at += c;
      }
      int32_t* out = entries + partStart[p];
      uint8_t* ck = check + partStart[p];
      for (size_t i = 0; i < m; i++) {
        uint32_t low = static_cast<uint32_t>(r[i] >> 32);
        uint32_t to = next[low >> 8]++;
        out[to] = static_cast<int32_t>(r[i]);
        ck[to] = static_cast<uint8_t>(low);
        b[low >> 8] |= static_cast<uint16_t>(1u << (low & 15));
      }
    }
    sink += static_cast<uint64_t>(entries[n / 2]) + check[n / 3] + bloom[buckets / 2];
  });

  // 4. The plain counting sort, one pass of counts and one of placing, over the whole table.
  uint32_t* cursor = Alloc<uint32_t>(buckets);
  Measure("one-pass-sort", n, [&] {
    std::memset(cursor, 0, buckets * sizeof(uint32_t));
    for (size_t e = 0; e < n; e++) cursor[full[e] >> kShift]++;
    uint32_t at = 0;
    for (size_t h = 0; h < buckets; h++) {
      uint32_t c = cursor[h];
      cursor[h] = at;
      at += c;
    }
    for (size_t e = 0; e < n; e++) {
      uint32_t to = cursor[full[e] >> kShift]++;
      entries[to] = static_cast<int32_t>(e);
      check[to] = static_cast<uint8_t>(full[e] >> (kShift - 8));
    }
    sink += static_cast<uint64_t>(entries[n / 2]);
  });

  // 5. Hash chains, the least an index can do per entry: one update of a bucket's head and
  //    one link written in order, the link holding the entry before it in the bucket and
  //    the entry's check byte (as the bucket-sorted table keeps one). From the hashes,
  //    hashing as it goes, and hashing 512 at a time before linking them.
  int32_t* head = Alloc<int32_t>(buckets);
  uint64_t* link = Alloc<uint64_t>(n);
  auto linkOf = [](int32_t prev, uint32_t fullHash) {
    return static_cast<uint64_t>(static_cast<uint32_t>(prev)) | (static_cast<uint64_t>((fullHash >> (kShift - 8)) & 255) << 32);
  };
  Measure("chains", n, [&] {
    std::memset(head, 0xff, buckets * sizeof(int32_t));
    for (size_t e = 0; e < n; e++) {
      uint32_t h = full[e] >> kShift;
      link[e] = linkOf(head[h], full[e]);
      head[h] = static_cast<int32_t>(e);
    }
    sink += static_cast<uint64_t>(head[buckets / 2]);
  });
  Measure("chains-hashing", n, [&] {
    std::memset(head, 0xff, buckets * sizeof(int32_t));
    for (size_t e = 0; e < n; e++) {
      uint32_t f = Hash16(seq.data() + e * kStep);
      uint32_t h = f >> kShift;
      link[e] = linkOf(head[h], f);
      head[h] = static_cast<int32_t>(e);
    }
    sink += static_cast<uint64_t>(head[buckets / 2]);
  });
  Measure("chains-blocked", n, [&] {
    // Hashed 512 at a time into a buffer in cache, then linked: the hashes' loop and the
    // heads' updates each run without waiting on the other.
    uint32_t block[512];
    std::memset(head, 0xff, buckets * sizeof(int32_t));
    for (size_t b = 0; b < n; b += 512) {
      const size_t m = std::min<size_t>(512, n - b);
      for (size_t i = 0; i < m; i++) block[i] = Hash16(seq.data() + (b + i) * kStep);
      for (size_t i = 0; i < m; i++) {
        uint32_t h = block[i] >> kShift;
        link[b + i] = linkOf(head[h], block[i]);
        head[h] = static_cast<int32_t>(b + i);
      }
    }
    sink += static_cast<uint64_t>(head[buckets / 2]);
  });

  // 6. What each layout costs a probe of a k-gram that is in the table (the planner's
  //    common case on a warm pair): every entry of its bucket with the same check byte.
  //    The bucket-sorted table as step 3 left it; the chains as step 5 left them.
  {
    std::vector<uint32_t> v(n);
    for (size_t e = 0; e < n; e++) v[e] = full[e] >> kShift;
    std::memset(cursor, 0, buckets * sizeof(uint32_t));
    for (size_t e = 0; e < n; e++) cursor[v[e]]++;
    uint32_t at = 0;
    for (size_t h = 0; h < buckets; h++) {
      start[h] = static_cast<int32_t>(at);
      uint32_t c = cursor[h];
      cursor[h] = at;
      at += c;
    }
    start[buckets] = static_cast<int32_t>(at);
    for (size_t e = 0; e < n; e++) {
      uint32_t to = cursor[v[e]]++;
      entries[to] = static_cast<int32_t>(e);
      check[to] = static_cast<uint8_t>(full[e] >> (kShift - 8));
    }
  }
  const size_t probes = size_t{1} << 20;
  std::vector<uint32_t> probe(probes);
  for (auto& p : probe) {
    x = x * 1103515245u + 12345u;
    p = full[x % n];
  }
  uint64_t foundSorted = 0;
  uint64_t foundChains = 0;
  Measure("probe-sorted", probes, [&] {
    uint64_t s = 0;
    for (size_t i = 0; i < probes; i++) {
      uint32_t b = probe[i] >> kShift;
      uint8_t c = static_cast<uint8_t>(probe[i] >> (kShift - 8));
      for (int32_t q = start[b]; q < start[b + 1]; q++)
        if (check[q] == c) s += static_cast<uint64_t>(entries[q]);
    }
    foundSorted = s;
  });
  Measure("probe-chains", probes, [&] {
    uint64_t s = 0;
    for (size_t i = 0; i < probes; i++) {
      uint32_t b = probe[i] >> kShift;
      uint8_t c = static_cast<uint8_t>(probe[i] >> (kShift - 8));
      for (int32_t e = head[b]; e >= 0;) {
        const uint64_t l = link[e];
        if (static_cast<uint8_t>(l >> 32) == c) s += static_cast<uint64_t>(e);
        e = static_cast<int32_t>(static_cast<uint32_t>(l));
      }
    }
    foundChains = s;
  });
  if (foundSorted != foundChains) {
    std::fprintf(stderr, "index-floor: the two layouts found different entries\n");
    return 1;
  }
  // 7. What memory gives one core here: reading 64 MiB, and writing it by streaming stores
  //    (as the build's passes write their records and results). Printed in GB/s.
  {
    const size_t bytes = size_t{64} << 20;
    uint8_t* buf = Alloc<uint8_t>(bytes);
    std::vector<double> readMs;
    std::vector<double> writeMs;
    for (int r = 0; r < reps; r++) {
      double t = NowMs();
      __m128i acc[4] = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};
      for (size_t i = 0; i < bytes; i += 64)
        for (int q = 0; q < 4; q++) acc[q] = _mm_add_epi64(acc[q], _mm_load_si128(reinterpret_cast<const __m128i*>(buf + i) + q));
      readMs.push_back(NowMs() - t);
      for (int q = 0; q < 4; q++) sink += static_cast<uint64_t>(_mm_cvtsi128_si64(acc[q]));
      t = NowMs();
      const __m128i v = _mm_set1_epi8(static_cast<char>(r));
      for (size_t i = 0; i < bytes; i += 16) _mm_stream_si128(reinterpret_cast<__m128i*>(buf + i), v);
      _mm_sfence();
      writeMs.push_back(NowMs() - t);
    }
    std::sort(readMs.begin(), readMs.end());
    std::sort(writeMs.begin(), writeMs.end());
    std::printf("read-GBps %.3f\n", static_cast<double>(bytes) / 1e6 / readMs[readMs.size() / 2]);
    std::printf("write-GBps %.3f\n", static_cast<double>(bytes) / 1e6 / writeMs[writeMs.size() / 2]);
  }
  std::printf("sink %llu\n", static_cast<unsigned long long>(sink & 1));
  return 0;
}
