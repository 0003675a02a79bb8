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

/**
 * Entries [from, to) into `head` without a hash array: the hashes of the next kAhead entries
 * wait in a ring, their heads prefetched. (A hash array would add 4 bytes per entry of
 * fresh memory, which costs as much to fault in as the rest of the build.)
 */
template <int K>
void BuildRange(const KgramJob& j, int32_t* head, size_t from, size_t to, bool markTails) {
  constexpr size_t kAhead = 64;  // a power of two
  uint32_t ring[kAhead];
  size_t primed = to - from < kAhead ? to - from : kAhead;
  for (size_t x = to; x-- > to - primed;) {
    ring[x % kAhead] = HashK<K>(j.seq + x * j.step, j.shift);
    __builtin_prefetch(head + ring[x % kAhead], 1);
  }
  for (size_t e = to; e-- > from;) {
    uint32_t h = ring[e % kAhead];
    if (e >= from + kAhead) {
      // Entry e - kAhead takes the slot e just left.
      uint32_t later = HashK<K>(j.seq + (e - kAhead) * j.step, j.shift);
      ring[e % kAhead] = later;
      __builtin_prefetch(head + later, 1);
    }
    int32_t next = head[h];
    j.prev[e] = markTails && next < 0 ? -2 - static_cast<int32_t>(h) : next;
    head[h] = static_cast<int32_t>(e);
  }
}

template <int K>
void BuildOneThread(const KgramJob& j) {
  std::memset(j.head, 0xff, (size_t{1} << j.bits) * sizeof(int32_t));  // -1: empty
  BuildRange<K>(j, j.head, 0, j.entries, false);
}

/**
 * Two threads by position: the upper half's chains go into a head table of their own, the
 * lower half's into the result, with their tails marked; then each marked tail is pointed
 * at the upper chain of its hash, and empty heads take the upper heads. The chains are the
 * ones one thread builds.
 */
template <int K>
void BuildTwoThreads(const KgramJob& j) {
  size_t buckets = size_t{1} << j.bits;
  std::vector<int32_t> upperHead(buckets);
  int32_t* upper = upperHead.data();
  size_t mid = j.entries / 2;
  std::thread second([&] {
    std::memset(upper, 0xff, buckets * sizeof(int32_t));
    BuildRange<K>(j, upper, mid, j.entries, false);
  });
  std::memset(j.head, 0xff, buckets * sizeof(int32_t));
  BuildRange<K>(j, j.head, 0, mid, true);
  second.join();
  for (size_t e = 0; e < mid; e++) {
    int32_t p = j.prev[e];
    if (p <= -2) j.prev[e] = upper[-2 - p];
  }
  for (size_t h = 0; h < buckets; h++) {
    if (j.head[h] < 0) j.head[h] = upper[h];
  }
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

/**
 * The result arrays, allocated on the JavaScript thread; job.head and job.prev point into
 * them. Filling head with -1 is left to the build, which may run on another thread.
 * (Huge pages for head, whose writes are random, halved the table build in a test
 * program, but faulting fresh ones in cost more than that on these machines: measured no
 * gain end to end, so V8 allocates the arrays.)
 */
Napi::Object MakeArrays(Napi::Env env, KgramJob* job) {
  Napi::Int32Array head = Napi::Int32Array::New(env, size_t{1} << job->bits);
  Napi::Int32Array prev = Napi::Int32Array::New(env, job->entries);
  job->head = head.Data();
  job->prev = prev.Data();
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
  if (job.entries == 0) {
    std::memset(job.head, 0xff, (size_t{1} << job.bits) * sizeof(int32_t));
    return;
  }
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
