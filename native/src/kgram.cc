#include "kgram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "args.h"
#include "pages.h"

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
 * The table is a counting sort of the entries by hash, done cache-friendly in three passes
 * instead of one random write per entry (a chained table's heads, or a plain counting
 * sort's cursors, spread over 2^bits words: a cache miss per entry, and the fault-in of a
 * fresh page every 1024 entries):
 *   1. count the entries of each partition (the hash's top kPartBits bits), per thread;
 *   2. scatter each entry, with the rest of its hash, into its partition's range of a
 *      scratch array (2^kPartBits write streams, which stay in cache), in entry order;
 *   3. sort each partition by the rest of its hash (a small counting sort in cache) into
 *      the result, writing the partition's bucket starts and each entry's check byte (the 8
 *      hash bits below the bucket's) as it goes.
 * Every pass keeps entry order within a bucket, so the result is the JavaScript twin's.
 */
constexpr int kPartBits = 11;

/**
 * The scattered entries in partition order, one 8-byte record each: the entry number in the
 * low word, and above it the bucket's low bits (shifted up 8) with the check byte. One
 * record, not two arrays, halves the write streams of the scatter (one per partition).
 */
struct Scratch {
  uint64_t* rec = nullptr;
  size_t n = 0;
  ~Scratch() { PagesFree(rec, n * sizeof(uint64_t)); }
};

inline uint32_t RecEntry(uint64_t r) { return static_cast<uint32_t>(r); }
inline uint32_t RecLow(uint64_t r) { return static_cast<uint32_t>(r >> 32); }

/** The 8 bits of a full hash just below the bucket's (zeros fill in under bit 0). */
inline uint32_t CheckByte(uint32_t full, unsigned shift) {
  return (shift >= 8 ? full >> (shift - 8) : full << (8 - shift)) & 255;
}

template <int K>
void CountParts(const KgramJob& j, size_t from, size_t to, int lowBits, uint32_t* count) {
  const uint8_t* seq = j.seq;
  for (size_t e = from; e < to; e++) count[HashK<K>(seq + e * j.step, j.shift) >> lowBits]++;
}

template <int K>
void ScatterParts(const KgramJob& j, size_t from, size_t to, int lowBits, size_t* cursor, Scratch* s) {
  const uint8_t* seq = j.seq;
  const uint32_t lowMask = (uint32_t{1} << lowBits) - 1;
  const unsigned shift = j.shift;
  for (size_t e = from; e < to; e++) {
    uint32_t full = HashK<K>(seq + e * j.step, 0);
    uint32_t h = full >> shift;
    uint32_t check = CheckByte(full, shift);
    size_t at = cursor[h >> lowBits]++;
    s->rec[at] = (static_cast<uint64_t>(((h & lowMask) << 8) | check) << 32) | static_cast<uint32_t>(e);
  }
}

/** Sorts partitions [pFrom, pTo) by their low hash bits into j.entries and writes their starts. */
void SortParts(const KgramJob& j, const Scratch& s, const size_t* partStart, size_t pFrom, size_t pTo, int lowBits) {
  size_t lowBuckets = size_t{1} << lowBits;
  std::vector<uint32_t> count(lowBuckets + 1);
  for (size_t p = pFrom; p < pTo; p++) {
    size_t a = partStart[p];
    size_t b = partStart[p + 1];
    int32_t* start = j.start + (p << lowBits);
    if (lowBits == 0) {
      start[0] = static_cast<int32_t>(a);
      for (size_t x = a; x < b; x++) {
        j.entries[x] = static_cast<int32_t>(RecEntry(s.rec[x]));
        j.check[x] = static_cast<uint8_t>(RecLow(s.rec[x]));
      }
      continue;
    }
    std::fill(count.begin(), count.end(), 0);
    for (size_t x = a; x < b; x++) count[(RecLow(s.rec[x]) >> 8) + 1]++;
    size_t at = a;
    for (size_t h = 0; h < lowBuckets; h++) {
      start[h] = static_cast<int32_t>(at);
      size_t c = count[h + 1];
      count[h + 1] = static_cast<uint32_t>(at - a);
      at += c;
    }
    // count[h + 1] now holds bucket h's offset within the partition.
    int32_t* out = j.entries + a;
    uint8_t* check = j.check + a;
    for (size_t x = a; x < b; x++) {
      uint64_t r = s.rec[x];
      uint32_t to = count[(RecLow(r) >> 8) + 1]++;
      out[to] = static_cast<int32_t>(RecEntry(r));
      check[to] = static_cast<uint8_t>(RecLow(r));
    }
  }
}

template <int K>
bool BuildSorted(const KgramJob& j) {
  size_t n = j.entries_count;
  // At most 16 low bucket bits travel, above the check byte: wide tables get more partitions.
  int partBits = std::max(std::min(j.bits, kPartBits), j.bits - 16);
  int lowBits = j.bits - partBits;
  size_t parts = size_t{1} << partBits;
  int threads = j.threads >= 2 && n >= (size_t{1} << 16) ? 2 : 1;
  size_t mid = threads == 2 ? n / 2 : n;

  std::vector<uint32_t> count0(parts, 0), count1(parts, 0);
  Scratch s;
  s.n = n;
  s.rec = static_cast<uint64_t*>(PagesAlloc(n * sizeof(uint64_t)));
  if (s.rec == nullptr) return false;

  auto inParallel = [&](auto first, auto second) {
    if (threads == 2) {
      std::thread t(second);
      first();
      t.join();
    } else {
      first();
      second();
    }
  };
  inParallel([&] { CountParts<K>(j, 0, mid, lowBits, count0.data()); },
             [&] { CountParts<K>(j, mid, n, lowBits, count1.data()); });
  // Partition p holds the first half's entries, then the second half's: entry order.
  std::vector<size_t> partStart(parts + 1), cursor0(parts), cursor1(parts);
  size_t at = 0;
  for (size_t p = 0; p < parts; p++) {
    partStart[p] = at;
    cursor0[p] = at;
    cursor1[p] = at + count0[p];
    at += count0[p] + count1[p];
  }
  partStart[parts] = at;
  inParallel([&] { ScatterParts<K>(j, 0, mid, lowBits, cursor0.data(), &s); },
             [&] { ScatterParts<K>(j, mid, n, lowBits, cursor1.data(), &s); });
  // Split the partitions where half the entries lie.
  size_t split = parts;
  if (threads == 2) {
    split = 0;
    while (split < parts && partStart[split + 1] <= n / 2) split++;
  }
  inParallel([&] { SortParts(j, s, partStart.data(), 0, split, lowBits); },
             [&] { SortParts(j, s, partStart.data(), split, parts, lowBits); });
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
  Napi::Uint8Array check = Napi::Uint8Array::New(env, job->entries_count);
  job->check = check.Data();
  *out = Napi::Object::New(env);
  out->Set("start", start);
  out->Set("entries", entries);
  out->Set("check", check);
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
