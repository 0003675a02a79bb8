#include "kgram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "args.h"
#include "pages.h"
#include "simd.h"

#if PFSC_X86
#include <immintrin.h>
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the k-gram hash reads little-endian words, as src/index/hash.ts does"
#endif

namespace pfsc {

namespace {

constexpr uint32_t kM1 = 0x9e3779b1u;
constexpr uint32_t kM2 = 0x85ebca77u;
constexpr uint32_t kM3 = 0xc2b2ae3du;

inline uint32_t Word(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Math.imul is a wrapping 32-bit multiply and >>> a logical shift: uint32_t arithmetic.
inline uint32_t Hash8(const uint8_t* p, unsigned shift) {
  uint32_t lo = Word(p);
  uint32_t hi = Word(p + 4);
  uint32_t h = (lo * kM1) ^ ((hi ^ (lo >> 13)) * kM2);
  h ^= h >> 16;
  h *= kM3;
  return (h ^ (h >> 15)) >> shift;
}

inline uint32_t Hash16(const uint8_t* p, unsigned shift) {
  uint32_t a = Word(p);
  uint32_t c = Word(p + 4);
  uint32_t d = Word(p + 8);
  uint32_t e = Word(p + 12);
  uint32_t h = (a * kM1) ^ ((c ^ (a >> 13)) * kM2);
  h = ((h ^ d ^ (h >> 15)) * kM1) ^ ((e ^ (h >> 13)) * kM3);
  h ^= h >> 16;
  h *= kM3;
  return (h ^ (h >> 15)) >> shift;
}

template <int K>
inline uint32_t HashK(const uint8_t* p, unsigned shift) {
  return K == 8 ? Hash8(p, shift) : Hash16(p, shift);
}

/**
 * The table is a counting sort of the entries by hash, done in two passes over the entries
 * that keep every write stream in cache, instead of one random write per entry (a plain
 * counting sort's cursors spread over 2^bits words: a cache miss per entry):
 *   1. scatter each entry, with the rest of its hash, into its partition (the hash's top
 *      partBits bits), in entry order. A partition is a chain of fixed-size blocks taken
 *      from the scratch as they fill, so no counting pass has to size them first. Each
 *      partition fills a 64-byte line in cache before the line goes to memory whole, by a
 *      non-temporal store, so a fresh line is never read in first (software write-combining:
 *      with 2^partBits streams the hardware's write-combining and prefetchers lose track, and
 *      each 8-byte write cost a line fill);
 *   2. sort each partition by the rest of its hash (a counting sort in cache, into a local
 *      buffer that is then streamed out whole) into the result, writing the partition's
 *      bucket starts and each entry's check byte (the 8 hash bits below the bucket's).
 * The k-grams are hashed a block at a time into a buffer in cache, many at once where the CPU
 * has the lanes for it. With two threads each takes half the entries (its own blocks), then
 * half the partitions. Every pass keeps entry order within a bucket, so the result is the
 * JavaScript twin's.
 */
constexpr int kPartBits = 11;

/** Entries hashed at a time into the cache-resident block buffer. */
constexpr size_t kHashBlock = 512;

/** Records in one block of a partition's chain (2 KiB: 32 lines). */
constexpr size_t kBlockRecords = 256;

/** A partition this small is sorted in a local buffer and copied out whole. */
constexpr size_t kLocalEntries = size_t{1} << 16;

inline uint32_t RecEntry(uint64_t r) { return static_cast<uint32_t>(r); }
inline uint32_t RecLow(uint64_t r) { return static_cast<uint32_t>(r >> 32); }

/** The 8 bits of a full hash just below the bucket's (zeros fill in under bit 0). */
inline uint32_t CheckByte(uint32_t full, unsigned shift) {
  return (shift >= 8 ? full >> (shift - 8) : full << (8 - shift)) & 255;
}

// ---- Hashing a block of entries: out[i] = the full hash of entry from + i.

template <int K>
void HashScalar(const KgramJob& j, size_t from, size_t to, uint32_t* out) {
  for (size_t e = from; e < to; e++) out[e - from] = HashK<K>(j.seq + e * j.step, 0);
}

#if PFSC_X86
#define PFSC_AVX512_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))

/** Lane i: the little-endian word at p + step * i, picked out of the 128 bytes at p by idx. */
PFSC_AVX512_VBMI inline __m512i WordLanes512(const uint8_t* p, __m512i idx) {
  return _mm512_permutex2var_epi8(_mm512_loadu_si512(p), idx, _mm512_loadu_si512(p + 64));
}

/** Hash8's or Hash16's arithmetic on 16 lanes, bit for bit. */
template <int K>
PFSC_AVX512_VBMI inline __m512i HashLanes512(const uint8_t* p, __m512i idx) {
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  const __m512i m2 = _mm512_set1_epi32(static_cast<int>(kM2));
  const __m512i m3 = _mm512_set1_epi32(static_cast<int>(kM3));
  __m512i a = WordLanes512(p, idx);
  __m512i c = WordLanes512(p + 4, idx);
  __m512i h = _mm512_xor_si512(_mm512_mullo_epi32(a, m1), _mm512_mullo_epi32(_mm512_xor_si512(c, _mm512_srli_epi32(a, 13)), m2));
  if (K == 16) {
    __m512i d = WordLanes512(p + 8, idx);
    __m512i e = WordLanes512(p + 12, idx);
    __m512i left = _mm512_mullo_epi32(_mm512_xor_si512(_mm512_xor_si512(h, d), _mm512_srli_epi32(h, 15)), m1);
    __m512i right = _mm512_mullo_epi32(_mm512_xor_si512(e, _mm512_srli_epi32(h, 13)), m3);
    h = _mm512_xor_si512(left, right);
  }
  h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
  h = _mm512_mullo_epi32(h, m3);
  return _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
}

/**
 * 16 entries at a time for steps up to 8, whose 16 words fit in 128 bytes (one two-register
 * byte permute per word, no gathers). Returns the first entry it left to the scalar hash:
 * near the end, where the 128-byte loads would reach past the sequence.
 */
template <int K>
PFSC_AVX512_VBMI size_t HashAvx512(const KgramJob& j, size_t from, size_t to, uint32_t* out) {
  alignas(64) uint8_t pick[64];
  for (int i = 0; i < 16; i++)
    for (int b = 0; b < 4; b++) pick[4 * i + b] = static_cast<uint8_t>(j.step * i + b);
  const __m512i idx = _mm512_load_si512(pick);
  const size_t reach = (K - 4) + 128;  // bytes a group reads from its first k-gram
  size_t e = from;
  for (; e + 16 <= to && e * j.step + reach <= j.length; e += 16)
    _mm512_storeu_si512(out + (e - from), HashLanes512<K>(j.seq + e * j.step, idx));
  return e;
}

/** Lane i: the word at p + step * i, for steps up to 4 (lanes 4-7 from the 16 bytes at p + 4 step). */
PFSC_AVX2 inline __m256i WordLanesSmallStep(const uint8_t* p, size_t step, __m256i pick) {
  __m256i v = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(p + 4 * step), reinterpret_cast<const __m128i*>(p));
  return _mm256_shuffle_epi8(v, pick);
}

/** Lane i: the word at p + 8 i (the even words of the 64 bytes at p). */
PFSC_AVX2 inline __m256i WordLanesStep8(const uint8_t* p) {
  const __m256i evens = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  __m256i lo = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), evens);
  __m256i hi = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), evens);
  return _mm256_blend_epi32(lo, hi, 0xf0);
}

template <int K, bool Step8>
PFSC_AVX2 inline __m256i HashLanes256(const uint8_t* p, size_t step, __m256i pick) {
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  const __m256i m2 = _mm256_set1_epi32(static_cast<int>(kM2));
  const __m256i m3 = _mm256_set1_epi32(static_cast<int>(kM3));
  auto word = [&](int off) { return Step8 ? WordLanesStep8(p + off) : WordLanesSmallStep(p + off, step, pick); };
  __m256i a = word(0);
  __m256i c = word(4);
  __m256i h = _mm256_xor_si256(_mm256_mullo_epi32(a, m1), _mm256_mullo_epi32(_mm256_xor_si256(c, _mm256_srli_epi32(a, 13)), m2));
  if (K == 16) {
    __m256i d = word(8);
    __m256i e = word(12);
    __m256i left = _mm256_mullo_epi32(_mm256_xor_si256(_mm256_xor_si256(h, d), _mm256_srli_epi32(h, 15)), m1);
    __m256i right = _mm256_mullo_epi32(_mm256_xor_si256(e, _mm256_srli_epi32(h, 13)), m3);
    h = _mm256_xor_si256(left, right);
  }
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
  h = _mm256_mullo_epi32(h, m3);
  return _mm256_xor_si256(h, _mm256_srli_epi32(h, 15));
}

/** 8 entries at a time for steps 1-4 (byte shuffles within 16 bytes) and 8 (word permutes). */
template <int K>
PFSC_AVX2 size_t HashAvx2(const KgramJob& j, size_t from, size_t to, uint32_t* out) {
  const size_t step = j.step;
  alignas(32) uint8_t pick[32];
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 4; b++) pick[4 * i + b] = pick[16 + 4 * i + b] = static_cast<uint8_t>(step * i + b);
  const __m256i idx = _mm256_load_si256(reinterpret_cast<const __m256i*>(pick));
  // Bytes a group reads from its first k-gram: 4 step + 16 (small steps) or 64 per word.
  const size_t reach = (K - 4) + (step == 8 ? 64 : 4 * step + 16);
  size_t e = from;
  if (step == 8) {
    for (; e + 8 <= to && e * step + reach <= j.length; e += 8)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (e - from)), HashLanes256<K, true>(j.seq + e * step, step, idx));
  } else {
    for (; e + 8 <= to && e * step + reach <= j.length; e += 8)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (e - from)), HashLanes256<K, false>(j.seq + e * step, step, idx));
  }
  return e;
}
#endif

/** The full hashes of entries [from, to) into out, with the widest lanes the level and step allow. */
template <int K>
void HashBlock(const KgramJob& j, size_t from, size_t to, uint32_t* out) {
  size_t e = from;
#if PFSC_X86
  Simd level = CurrentSimd();
  if (level == Simd::Avx512 && CpuHasVbmi() && j.step <= 8) e = HashAvx512<K>(j, from, to, out);
  else if (level >= Simd::Avx2 && (j.step <= 4 || j.step == 8)) e = HashAvx2<K>(j, from, to, out);
#endif
  HashScalar<K>(j, e, to, out + (e - from));
}

// ---- The passes.

/** One write-combining line per partition. */
struct alignas(64) Line {
  uint64_t rec[8];
};

/** One thread's part of the scatter: its blocks, and each partition's chain through them. */
struct Chains {
  uint64_t* rec = nullptr;         // blocks of kBlockRecords records, 64-byte aligned
  int32_t* next = nullptr;         // the block after each block in its chain
  std::vector<uint32_t> count;     // records of each partition (its chain starts at block p)
};

/** Writes a full line to `to` (64-byte aligned) without reading that line into cache first. */
inline void StreamLine(uint64_t* to, const Line& line) {
#if PFSC_X86
  const __m128i* from = reinterpret_cast<const __m128i*>(line.rec);
  __m128i* dst = reinterpret_cast<__m128i*>(to);
  _mm_stream_si128(dst, _mm_load_si128(from));
  _mm_stream_si128(dst + 1, _mm_load_si128(from + 1));
  _mm_stream_si128(dst + 2, _mm_load_si128(from + 2));
  _mm_stream_si128(dst + 3, _mm_load_si128(from + 3));
#else
  std::memcpy(to, line.rec, sizeof line.rec);
#endif
}

/**
 * Scatters entries [from, to) into c's chains: lines[p] gathers partition p's next 8
 * records, and at[p] is where in rec they go (a line boundary of the chain's last block).
 */
template <int K>
__attribute__((always_inline)) inline void ScatterBody(const KgramJob& j, size_t from, size_t to, int lowBits, size_t parts,
                                                       Chains* c, Line* lines, uint8_t* fill, size_t* at) {
  alignas(64) uint32_t full[kHashBlock];
  const uint32_t lowMask = (uint32_t{1} << lowBits) - 1;
  const unsigned shift = j.shift;
  uint64_t* rec = c->rec;
  size_t nextFree = parts;  // blocks 0 .. parts-1 start the chains
  for (size_t p = 0; p < parts; p++) at[p] = p * kBlockRecords;
  std::memset(fill, 0, parts);
  for (size_t b = from; b < to; b += kHashBlock) {
    size_t m = std::min(kHashBlock, to - b);
    HashBlock<K>(j, b, b + m, full);
    for (size_t i = 0; i < m; i++) {
      uint32_t h = full[i] >> shift;
      uint32_t p = h >> lowBits;
      uint64_t r = (static_cast<uint64_t>(((h & lowMask) << 8) | CheckByte(full[i], shift)) << 32) | static_cast<uint32_t>(b + i);
      unsigned f = fill[p];
      lines[p].rec[f] = r;
      if (++f == 8) {
        size_t pos = at[p];
        StreamLine(rec + pos, lines[p]);
        pos += 8;
        if (pos % kBlockRecords == 0) {
          c->next[pos / kBlockRecords - 1] = static_cast<int32_t>(nextFree);
          pos = nextFree++ * kBlockRecords;
        }
        at[p] = pos;
        c->count[p] += 8;
        f = 0;
      }
      fill[p] = static_cast<uint8_t>(f);
    }
  }
  for (size_t p = 0; p < parts; p++) {
    std::memcpy(rec + at[p], lines[p].rec, fill[p] * sizeof(uint64_t));
    c->count[p] += fill[p];
  }
#if PFSC_X86
  _mm_sfence();  // the streamed lines are visible before another thread sorts them
#endif
}

#if PFSC_X86
/** The same loop compiled with BMI2's one-instruction variable shifts. */
template <int K>
PFSC_AVX2 void ScatterBmi2(const KgramJob& j, size_t from, size_t to, int lowBits, size_t parts, Chains* c, Line* lines, uint8_t* fill, size_t* at) {
  ScatterBody<K>(j, from, to, lowBits, parts, c, lines, fill, at);
}
#endif

template <int K>
void Scatter(const KgramJob& j, size_t from, size_t to, int lowBits, size_t parts, Chains* c, Line* lines, uint8_t* fill, size_t* at) {
#if PFSC_X86
  if (CurrentSimd() >= Simd::Avx2) return ScatterBmi2<K>(j, from, to, lowBits, parts, c, lines, fill, at);
#endif
  ScatterBody<K>(j, from, to, lowBits, parts, c, lines, fill, at);
}

/** Calls fn(record) for partition p's records in one thread's chain, in entry order. */
template <typename Fn>
inline void ForEachRecord(const Chains& c, size_t p, Fn fn) {
  size_t left = c.count[p];
  size_t block = p;
  while (left > 0) {
    const uint64_t* r = c.rec + block * kBlockRecords;
    size_t m = std::min(left, kBlockRecords);
    for (size_t x = 0; x < m; x++) fn(r[x]);
    left -= m;
    if (left > 0) block = static_cast<size_t>(c.next[block]);
  }
}

/**
 * Walks one partition's chains a line at a time, prefetching each line into L2: Step() once
 * a record, so the prefetches spread over the loop that calls it; Rest() for what is left.
 */
class ChainPrefetch {
 public:
  ChainPrefetch(const Chains* chains, int threads, size_t p, bool on) : chains_(chains), threads_(on ? threads : 0), p_(p) {
    if (threads_ > 0) Enter(0);
  }

  void Step() {
    if (t_ >= threads_ || ++tick_ % 8 != 0) return;
#if PFSC_X86
    _mm_prefetch(reinterpret_cast<const char*>(chains_[t_].rec + block_ * kBlockRecords + offset_), _MM_HINT_T1);
#endif
    offset_ += 8;
    left_ = left_ > 8 ? left_ - 8 : 0;
    if (left_ == 0) {
      Enter(t_ + 1);
    } else if (offset_ == kBlockRecords) {
      block_ = static_cast<size_t>(chains_[t_].next[block_]);
      offset_ = 0;
    }
  }

  void Rest() {
    while (t_ < threads_) {
      tick_ = 7;
      Step();
    }
  }

 private:
  void Enter(int t) {
    for (t_ = t; t_ < threads_ && chains_[t_].count[p_] == 0; t_++) {
    }
    if (t_ < threads_) {
      block_ = p_;
      offset_ = 0;
      left_ = chains_[t_].count[p_];
    }
  }

  const Chains* chains_;
  int threads_;
  size_t p_;
  int t_ = 0;
  size_t block_ = 0;
  size_t offset_ = 0;
  size_t left_ = 0;
  unsigned tick_ = 0;
};

/** Copies n words or bytes out to memory that is written once and not read soon. */
template <typename T>
void CopyOut(T* to, const T* from, size_t n) {
#if PFSC_X86
  // Plain stores up to a 16-byte boundary, then streaming stores, then the tail.
  size_t head = ((16 - reinterpret_cast<uintptr_t>(to) % 16) % 16) / sizeof(T);
  if (reinterpret_cast<uintptr_t>(to) % sizeof(T) == 0 && n >= head + 64 / sizeof(T)) {
    std::memcpy(to, from, head * sizeof(T));
    size_t i = head;
    for (; i + 16 / sizeof(T) <= n; i += 16 / sizeof(T))
      _mm_stream_si128(reinterpret_cast<__m128i*>(to + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
    std::memcpy(to + i, from + i, (n - i) * sizeof(T));
    return;
  }
#endif
  std::memcpy(to, from, n * sizeof(T));
}

/** Sorts partitions [pFrom, pTo) by their low hash bits into j.entries and writes their starts. */
void SortParts(const KgramJob& j, const Chains* chains, int threads, const size_t* partStart, size_t pFrom, size_t pTo,
               int lowBits, int32_t* localEntries, uint8_t* localCheck) {
  const size_t lowBuckets = size_t{1} << lowBits;
  std::vector<uint32_t> next(lowBuckets);
  std::vector<uint16_t> bloom(lowBuckets);
  for (size_t p = pFrom; p < pTo; p++) {
    const size_t a = partStart[p];
    const size_t m = partStart[p + 1] - a;
    int32_t* start = j.start + (p << lowBits);
    std::fill(next.begin(), next.end(), 0);
    std::fill(bloom.begin(), bloom.end(), 0);
    // The records come from memory (the scatter streamed them past the cache), in blocks the
    // hardware prefetcher cannot follow: ask for the next partition's while counting this one's.
    ChainPrefetch ahead(chains, threads, p + 1 < pTo ? p + 1 : p, p + 1 < pTo);
    for (int t = 0; t < threads; t++) {
      ForEachRecord(chains[t], p, [&](uint64_t r) {
        next[RecLow(r) >> 8]++;
        ahead.Step();
      });
    }
    ahead.Rest();
    size_t at = 0;
    for (size_t h = 0; h < lowBuckets; h++) {
      start[h] = static_cast<int32_t>(a + at);
      size_t c = next[h];
      next[h] = static_cast<uint32_t>(at);
      at += c;
    }
    // next[h] is now bucket h's offset within the partition.
    const bool local = m <= kLocalEntries;
    int32_t* out = local ? localEntries : j.entries + a;
    uint8_t* check = local ? localCheck : j.check + a;
    for (int t = 0; t < threads; t++) {
      ForEachRecord(chains[t], p, [&](uint64_t r) {
        const uint32_t low = RecLow(r);
        uint32_t to = next[low >> 8]++;
        out[to] = static_cast<int32_t>(RecEntry(r));
        check[to] = static_cast<uint8_t>(low);
        bloom[low >> 8] |= static_cast<uint16_t>(1u << (low & 15));
      });
    }
    if (local) {
      CopyOut(j.entries + a, localEntries, m);
      CopyOut(j.check + a, localCheck, m);
    }
    std::memcpy(j.bloom + (p << lowBits), bloom.data(), lowBuckets * sizeof(uint16_t));
  }
#if PFSC_X86
  _mm_sfence();  // the streamed results are visible before the build returns
#endif
}

template <int K>
bool BuildSorted(const KgramJob& j) {
  const size_t n = j.entries_count;
  // At most 16 low bucket bits travel, above the check byte: wide tables get more partitions.
  const int partBits = std::max(std::min(j.bits, kPartBits), j.bits - 16);
  const int lowBits = j.bits - partBits;
  const size_t parts = size_t{1} << partBits;
  const int threads = j.threads >= 2 && n >= (size_t{1} << 16) ? 2 : 1;
  const size_t range[3] = {0, threads == 2 ? n / 2 : n, n};

  // The scratch: per thread, its blocks (every chain's first block, then one for each
  // kBlockRecords records at most), the blocks' links, its lines, fill counts, cursors and
  // local sort buffers. Every part's size is a multiple of 64 bytes.
  auto up64 = [](size_t bytes) { return (bytes + 63) & ~size_t{63}; };
  size_t blocks[2];
  size_t perThread[2];
  for (int t = 0; t < threads; t++) {
    blocks[t] = parts + (range[t + 1] - range[t]) / kBlockRecords + 1;
    perThread[t] = blocks[t] * kBlockRecords * sizeof(uint64_t) + up64(blocks[t] * sizeof(int32_t)) + parts * sizeof(Line) +
                   up64(parts) + up64(parts * sizeof(size_t)) + kLocalEntries * (sizeof(int32_t) + 1);
  }
  ScratchLease lease(perThread[0] + (threads == 2 ? perThread[1] : 0));
  if (lease.data() == nullptr) return false;
  Chains chains[2];
  Line* lines[2] = {nullptr, nullptr};
  uint8_t* fill[2] = {nullptr, nullptr};
  size_t* at[2] = {nullptr, nullptr};
  int32_t* localEntries[2] = {nullptr, nullptr};
  uint8_t* localCheck[2] = {nullptr, nullptr};
  uint8_t* mem = static_cast<uint8_t*>(lease.data());
  for (int t = 0; t < threads; t++) {
    Chains& c = chains[t];
    c.count.assign(parts, 0);
    c.rec = reinterpret_cast<uint64_t*>(mem);
    mem += blocks[t] * kBlockRecords * sizeof(uint64_t);
    c.next = reinterpret_cast<int32_t*>(mem);
    mem += up64(blocks[t] * sizeof(int32_t));
    lines[t] = reinterpret_cast<Line*>(mem);
    mem += parts * sizeof(Line);
    fill[t] = mem;
    mem += up64(parts);
    at[t] = reinterpret_cast<size_t*>(mem);
    mem += up64(parts * sizeof(size_t));
    localEntries[t] = reinterpret_cast<int32_t*>(mem);
    mem += kLocalEntries * sizeof(int32_t);
    localCheck[t] = mem;
    mem += kLocalEntries;
  }

  auto inParallel = [&](auto job) {
    if (threads == 2) {
      std::thread other(job, 1);
      job(0);
      other.join();
    } else {
      job(0);
    }
  };
  inParallel([&](int t) { Scatter<K>(j, range[t], range[t + 1], lowBits, parts, &chains[t], lines[t], fill[t], at[t]); });

  // Partition p in the result: the first thread's records, then the second's (entry order).
  std::vector<size_t> partStart(parts + 1);
  size_t sum = 0;
  for (size_t p = 0; p < parts; p++) {
    partStart[p] = sum;
    for (int t = 0; t < threads; t++) sum += chains[t].count[p];
  }
  partStart[parts] = sum;
  // Split the partitions where half the entries lie.
  size_t split[3] = {0, parts, parts};
  if (threads == 2) {
    split[1] = 0;
    while (split[1] < parts && partStart[split[1] + 1] <= n / 2) split[1]++;
  }
  inParallel([&](int t) { SortParts(j, chains, threads, partStart.data(), split[t], split[t + 1], lowBits, localEntries[t], localCheck[t]); });
  j.start[size_t{1} << j.bits] = static_cast<int32_t>(n);
  return true;
}

/** Checks the arguments as src/engine/js/kgram.ts does; fills job (not head/prev). */
bool ReadJob(const Napi::CallbackInfo& info, const char* what, KgramJob* job, Napi::Uint8Array* seqOut) {
  Napi::Env env = info.Env();
  Bytes seq;
  if (!GetBytes(info, 0, what, &seq)) return false;
  double k, step, bits, shift, threads;
  if (!GetInteger(info, 1, &k) || (k != 8 && k != 16)) {
    ThrowRange(env, std::string(what) + ": k must be 8 or 16, not " + NumberText(info, 1));
    return false;
  }
  if (!GetInteger(info, 2, &step) || step < 1) {
    ThrowRange(env, std::string(what) + ": step " + NumberText(info, 2) + " is not a positive integer");
    return false;
  }
  if (!GetInteger(info, 3, &bits) || bits < 1 || bits > 30) {
    ThrowRange(env, std::string(what) + ": bits " + NumberText(info, 3) + " is not in 1..30");
    return false;
  }
  if (!GetInteger(info, 4, &shift) || shift < 0 || shift > 31 || 32 - shift > bits) {
    ThrowRange(env, std::string(what) + ": shift " + NumberText(info, 4) + " leaves hashes wider than " + NumberText(info, 3) + " bits");
    return false;
  }
  if (!GetInteger(info, 5, &threads) || threads < 1) threads = 1;
  job->seq = seq.data;
  job->length = seq.length;
  job->k = static_cast<int>(k);
  job->step = static_cast<size_t>(step);
  job->bits = static_cast<int>(bits);
  job->shift = static_cast<unsigned>(shift);
  job->threads = threads >= 2 ? 2 : 1;
  job->entries_count = seq.length < static_cast<size_t>(k) ? 0 : (seq.length - static_cast<size_t>(k)) / job->step + 1;
  if (job->entries_count > 0x7fffffffu) {
    ThrowRange(env, std::string(what) + ": " + std::to_string(job->entries_count) + " entries do not fit 32-bit entry numbers");
    return false;
  }
  *seqOut = info[0].As<Napi::Uint8Array>();
  return true;
}

/**
 * The result arrays, allocated on the JavaScript thread in huge-page memory (pages.h);
 * job.start and job.entries point into them. The build fills them, maybe on another thread.
 */
bool MakeArrays(Napi::Env env, KgramJob* job, Napi::Object* out) {
  Napi::Value start = NewPagesInt32Array(env, (size_t{1} << job->bits) + 1, &job->start);
  if (start.IsEmpty()) return false;
  Napi::Value entries = NewPagesInt32Array(env, job->entries_count, &job->entries);
  if (entries.IsEmpty()) return false;
  void* checkMem = PagesAlloc(job->entries_count);
  if (checkMem == nullptr) {
    ThrowRange(env, "out of memory for a table's " + std::to_string(job->entries_count) + " check bytes");
    return false;
  }
  job->check = static_cast<uint8_t*>(checkMem);
  Napi::Uint8Array check = Napi::Uint8Array::New(env, job->entries_count, PagesArrayBuffer(env, checkMem, job->entries_count), 0);
  const size_t buckets = size_t{1} << job->bits;
  void* bloomMem = PagesAlloc(buckets * sizeof(uint16_t));
  if (bloomMem == nullptr) {
    ThrowRange(env, "out of memory for a table's " + std::to_string(buckets) + " bucket halfwords");
    return false;
  }
  job->bloom = static_cast<uint16_t*>(bloomMem);
  Napi::Uint16Array bloom = Napi::Uint16Array::New(env, buckets, PagesArrayBuffer(env, bloomMem, buckets * sizeof(uint16_t)), 0);
  *out = Napi::Object::New(env);
  out->Set("start", start);
  out->Set("entries", entries);
  out->Set("check", check);
  out->Set("bloom", bloom);
  return true;
}

class KgramWorker : public Napi::AsyncWorker {
 public:
  KgramWorker(Napi::Env env, const KgramJob& job, Napi::Uint8Array seq, Napi::Object result)
      : Napi::AsyncWorker(env, "pfsc:buildKgramTable"),
        job_(job),
        deferred_(Napi::Promise::Deferred::New(env)),
        seq_(Napi::Persistent(seq.As<Napi::Object>())),
        result_(Napi::Persistent(result)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  // Off the JavaScript thread: only the raw memory of seq, start and entries, which the
  // references above keep alive.
  void Execute() override {
    if (!BuildKgram(job_)) SetError("out of memory for the k-gram table's scratch");
  }

  void OnOK() override { deferred_.Resolve(result_.Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  KgramJob job_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference seq_;
  Napi::ObjectReference result_;
};

}  // namespace

uint32_t KgramHash(const uint8_t* p, int k, unsigned shift) { return k == 8 ? Hash8(p, shift) : Hash16(p, shift); }

bool BuildKgram(const KgramJob& job) {
  if (job.entries_count == 0) {
    std::memset(job.start, 0, ((size_t{1} << job.bits) + 1) * sizeof(int32_t));
    std::memset(job.bloom, 0, (size_t{1} << job.bits) * sizeof(uint16_t));
    return true;
  }
  return job.k == 8 ? BuildSorted<8>(job) : BuildSorted<16>(job);
}

Napi::Value BuildKgramTable(const Napi::CallbackInfo& info) {
  KgramJob job;
  Napi::Uint8Array seq;
  if (!ReadJob(info, "buildKgramTable", &job, &seq)) return info.Env().Undefined();
  Napi::Object out;
  if (!MakeArrays(info.Env(), &job, &out)) return info.Env().Undefined();
  if (!BuildKgram(job)) {
    ThrowRange(info.Env(), "buildKgramTable: out of memory for the table's scratch");
    return info.Env().Undefined();
  }
  return out;
}

Napi::Value BuildKgramTableAsync(const Napi::CallbackInfo& info) {
  KgramJob job;
  Napi::Uint8Array seq;
  if (!ReadJob(info, "buildKgramTableAsync", &job, &seq)) return info.Env().Undefined();
  Napi::Object out;
  if (!MakeArrays(info.Env(), &job, &out)) return info.Env().Undefined();
  auto* worker = new KgramWorker(info.Env(), job, seq, out);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace pfsc
