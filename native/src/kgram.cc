#include "kgram.h"

#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "args.h"

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

// One thread: entries from the highest down, in batches whose hashes are computed first and
// their heads prefetched, so the random accesses of a batch overlap.
template <int K>
void BuildOneThread(const KgramJob& j) {
  constexpr size_t kBatch = 32;
  uint32_t hs[kBatch];
  size_t e = j.entries;
  while (e > 0) {
    size_t count = e < kBatch ? e : kBatch;
    size_t lo = e - count;
    for (size_t t = 0; t < count; t++) {
      hs[t] = HashK<K>(j.seq + (lo + t) * j.step, j.shift);
      __builtin_prefetch(j.head + hs[t], 1);
    }
    for (size_t t = count; t-- > 0;) {
      uint32_t h = hs[t];
      j.prev[lo + t] = j.head[h];
      j.head[h] = static_cast<int32_t>(lo + t);
    }
    e = lo;
  }
}

template <int K>
void HashRange(const KgramJob& j, uint32_t* hashes, size_t from, size_t to) {
  for (size_t e = from; e < to; e++) hashes[e] = HashK<K>(j.seq + e * j.step, j.shift);
}

// Inserts, from the highest entry down, the entries whose hash lies in [hlo, hhi): each
// thread owns a range of buckets, so the chains are the ones one thread would build.
void InsertHashRange(const KgramJob& j, const uint32_t* hashes, uint32_t hlo, uint32_t hhi) {
  constexpr size_t kAhead = 16;
  for (size_t e = j.entries; e-- > 0;) {
    if (e >= kAhead) {
      uint32_t ahead = hashes[e - kAhead];
      if (ahead >= hlo && ahead < hhi) __builtin_prefetch(j.head + ahead, 1);
    }
    uint32_t h = hashes[e];
    if (h < hlo || h >= hhi) continue;
    j.prev[e] = j.head[h];
    j.head[h] = static_cast<int32_t>(e);
  }
}

template <int K>
void BuildTwoThreads(const KgramJob& j) {
  std::vector<uint32_t> hashes(j.entries);
  size_t mid = j.entries / 2;
  std::thread second([&] { HashRange<K>(j, hashes.data(), mid, j.entries); });
  HashRange<K>(j, hashes.data(), 0, mid);
  second.join();
  uint32_t buckets = 1u << j.bits;
  uint32_t half = buckets / 2;
  std::thread upper([&] { InsertHashRange(j, hashes.data(), half, buckets); });
  InsertHashRange(j, hashes.data(), 0, half);
  upper.join();
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
  job->entries = seq.length < static_cast<size_t>(k) ? 0 : (seq.length - static_cast<size_t>(k)) / job->step + 1;
  if (job->entries > 0x7fffffffu) {
    ThrowRange(env, std::string(what) + ": " + std::to_string(job->entries) + " entries do not fit 32-bit entry numbers");
    return false;
  }
  *seqOut = info[0].As<Napi::Uint8Array>();
  return true;
}

/** The result arrays, allocated on the JavaScript thread; job.head and job.prev point into them. */
Napi::Object MakeArrays(Napi::Env env, KgramJob* job) {
  Napi::Int32Array head = Napi::Int32Array::New(env, size_t{1} << job->bits);
  Napi::Int32Array prev = Napi::Int32Array::New(env, job->entries);
  job->head = head.Data();
  job->prev = prev.Data();
  std::memset(job->head, 0xff, (size_t{1} << job->bits) * sizeof(int32_t));  // -1: empty
  Napi::Object out = Napi::Object::New(env);
  out.Set("head", head);
  out.Set("prev", prev);
  return out;
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

  // Off the JavaScript thread: only the raw memory of seq, head and prev, which the
  // references above keep alive.
  void Execute() override { BuildKgram(job_); }

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

void BuildKgram(const KgramJob& job) {
  if (job.entries == 0) return;
  if (job.threads >= 2 && job.entries >= 2) {
    if (job.k == 8) BuildTwoThreads<8>(job);
    else BuildTwoThreads<16>(job);
  } else {
    if (job.k == 8) BuildOneThread<8>(job);
    else BuildOneThread<16>(job);
  }
}

Napi::Value BuildKgramTable(const Napi::CallbackInfo& info) {
  KgramJob job;
  Napi::Uint8Array seq;
  if (!ReadJob(info, "buildKgramTable", &job, &seq)) return info.Env().Undefined();
  Napi::Object out = MakeArrays(info.Env(), &job);
  BuildKgram(job);
  return out;
}

Napi::Value BuildKgramTableAsync(const Napi::CallbackInfo& info) {
  KgramJob job;
  Napi::Uint8Array seq;
  if (!ReadJob(info, "buildKgramTableAsync", &job, &seq)) return info.Env().Undefined();
  Napi::Object out = MakeArrays(info.Env(), &job);
  auto* worker = new KgramWorker(info.Env(), job, seq, out);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace pfsc
