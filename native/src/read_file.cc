#include "read_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#ifndef _WIN32
#include <dlfcn.h>
#include <pthread.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "args.h"
#include "pages.h"

namespace pfsc {

namespace {

// The EVP calls pfsc uses, declared here with opaque pointers: their signatures are the same
// in OpenSSL 1.1 and 3.x, and the symbols are the host Node's (its own static OpenSSL, or the
// shared libcrypto it links).
using MdCtxNew = void* (*)();
using MdCtxFree = void (*)(void*);
using Sha256Md = const void* (*)();
using DigestInit = int (*)(void*, const void*, void*);
using DigestUpdate = int (*)(void*, const void*, size_t);
using DigestFinal = int (*)(void*, unsigned char*, unsigned int*);

struct Evp {
  MdCtxNew ctxNew = nullptr;
  MdCtxFree ctxFree = nullptr;
  Sha256Md sha256 = nullptr;
  DigestInit init = nullptr;
  DigestUpdate update = nullptr;
  DigestFinal final = nullptr;
  bool ok = false;
};

const Evp& GetEvp() {
  static Evp evp;
  static std::once_flag once;
  std::call_once(once, [] {
#ifndef _WIN32
    evp.ctxNew = reinterpret_cast<MdCtxNew>(dlsym(RTLD_DEFAULT, "EVP_MD_CTX_new"));
    evp.ctxFree = reinterpret_cast<MdCtxFree>(dlsym(RTLD_DEFAULT, "EVP_MD_CTX_free"));
    evp.sha256 = reinterpret_cast<Sha256Md>(dlsym(RTLD_DEFAULT, "EVP_sha256"));
    evp.init = reinterpret_cast<DigestInit>(dlsym(RTLD_DEFAULT, "EVP_DigestInit_ex"));
    evp.update = reinterpret_cast<DigestUpdate>(dlsym(RTLD_DEFAULT, "EVP_DigestUpdate"));
    evp.final = reinterpret_cast<DigestFinal>(dlsym(RTLD_DEFAULT, "EVP_DigestFinal_ex"));
    evp.ok = evp.ctxNew && evp.ctxFree && evp.sha256 && evp.init && evp.update && evp.final;
#endif
  });
  return evp;
}

/** A streaming SHA-256 over the host's OpenSSL; ok() is false when it cannot run. */
class Sha256Stream {
 public:
  Sha256Stream() : evp_(GetEvp()) {
    if (!evp_.ok) return;
    ctx_ = evp_.ctxNew();
    if (ctx_ != nullptr && evp_.init(ctx_, evp_.sha256(), nullptr) != 1) Drop();
  }
  ~Sha256Stream() { Drop(); }
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  bool ok() const { return ctx_ != nullptr; }
  void Update(const uint8_t* p, size_t n) {
    if (ctx_ != nullptr && n > 0 && evp_.update(ctx_, p, n) != 1) Drop();
  }
  bool Final(uint8_t out[32]) {
    unsigned int len = 0;
    bool good = ctx_ != nullptr && evp_.final(ctx_, out, &len) == 1 && len == 32;
    Drop();
    return good;
  }

 private:
  void Drop() {
    if (ctx_ != nullptr) evp_.ctxFree(ctx_);
    ctx_ = nullptr;
  }
  const Evp& evp_;
  void* ctx_ = nullptr;
};

/** A Uint8Array of `length` bytes over `allocated` bytes of PagesAlloc memory, which it owns. */
Napi::Uint8Array PagesArray(Napi::Env env, uint8_t* p, size_t length, size_t allocated) {
  return Napi::Uint8Array::New(env, length, PagesArrayBuffer(env, p, allocated), 0);
}

const char* ErrnoCode(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    default: return "EIO";
  }
}

constexpr size_t kChunk = size_t{1} << 20;  // read 1 MiB at a time: hashed while it is still in cache
constexpr size_t kOverlapFrom = size_t{4} << 20;  // files this large are read on a second thread

class ReadFileWorker : public Napi::AsyncWorker {
 public:
  ReadFileWorker(Napi::Env env, std::string path, double maxBytes)
      : Napi::AsyncWorker(env, "pfsc:readFile"), path_(std::move(path)), max_(maxBytes), deferred_(Napi::Promise::Deferred::New(env)) {}
  ~ReadFileWorker() override { PagesFree(data_, allocated_); }

  Napi::Promise Promise() { return deferred_.Promise(); }

  // Off the JavaScript thread: plain memory and file descriptors only.
  void Execute() override {
#ifdef _WIN32
    Fail("ENOSYS", "read", "not supported on this platform");
#else
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FailErrno(errno, "open");
    Read(fd);
    close(fd);
#endif
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("bytes", PagesArray(env, data_, size_, allocated_));
    data_ = nullptr;  // the array owns it now
    if (hashed_) {
      Napi::Uint8Array digest = Napi::Uint8Array::New(env, 32);
      std::memcpy(digest.Data(), digest_, 32);
      out.Set("sha256", digest);
    }
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override {
    Napi::Error err = e;
    err.Set("code", Napi::String::New(Env(), code_));
    err.Set("syscall", Napi::String::New(Env(), syscall_));
    err.Set("path", Napi::String::New(Env(), path_));
    deferred_.Reject(err.Value());
  }

 private:
#ifndef _WIN32
  void Read(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return FailErrno(errno, "fstat");
    if (!S_ISREG(st.st_mode)) return Fail("ENOTREG", "fstat", "not a regular file");
    size_t size = static_cast<size_t>(st.st_size);
    if (static_cast<double>(size) > max_) return Fail("EFBIG", "fstat", "larger than " + std::to_string(static_cast<uint64_t>(max_)) + " bytes");
    allocated_ = size == 0 ? 1 : size;
    data_ = static_cast<uint8_t*>(PagesAlloc(allocated_));
    if (data_ == nullptr) return Fail("ENOMEM", "read", "out of memory for " + std::to_string(size) + " bytes");
    // Reading and hashing overlap: a reader thread reads the chunks in order while this one
    // hashes each as soon as it is in (SHA-256 is one serial stream; reading into fresh pages
    // is the rest of the time). Small files are read and hashed here alone.
    Sha256Stream sha;
    std::atomic<size_t> ready{0};        // bytes read so far
    std::atomic<int> readErr{0};         // errno of a failed read, or -1 when the file shrank
    std::atomic<bool> finished{false};   // set last: ready and readErr are final
    auto readAll = [&] {
      size_t pos = 0;
      while (pos < size) {
        size_t want = size - pos < kChunk ? size - pos : kChunk;
        ssize_t got = pread(fd, data_ + pos, want, static_cast<off_t>(pos));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          readErr.store(got < 0 ? errno : -1, std::memory_order_relaxed);
          break;
        }
        pos += static_cast<size_t>(got);
        ready.store(pos, std::memory_order_release);
      }
      finished.store(true, std::memory_order_release);
    };
    // pthread rather than std::thread: without exceptions a thread that cannot start would
    // end the process; here it means reading on this thread instead.
    pthread_t reader;
    bool threaded = size >= kOverlapFrom && sha.ok() &&
                    pthread_create(&reader, nullptr, [](void* f) -> void* { (*static_cast<decltype(readAll)*>(f))(); return nullptr; }, &readAll) == 0;
    if (!threaded) readAll();
    size_t hashed = 0;
    for (;;) {
      bool fin = finished.load(std::memory_order_acquire);
      size_t upTo = ready.load(std::memory_order_acquire);
      if (upTo > hashed) {
        sha.Update(data_ + hashed, upTo - hashed);
        hashed = upTo;
      }
      if (fin) break;  // ready was final when fin was seen, and is hashed now
      if (upTo == hashed) std::this_thread::yield();
    }
    if (threaded) pthread_join(reader, nullptr);
    int err = readErr.load(std::memory_order_relaxed);
    if (err > 0) return FailErrno(err, "read");
    if (err < 0 || hashed != size) {
      return Fail("ESHRINK", "read", "the file shrank while being read (" + std::to_string(hashed) + " of " + std::to_string(size) + " bytes)");
    }
    uint8_t extra;
    ssize_t more;
    do more = pread(fd, &extra, 1, static_cast<off_t>(size));
    while (more < 0 && errno == EINTR);
    if (more > 0) return Fail("EGROW", "read", "the file grew while being read");
    size_ = size;
    if (size == 0) std::memset(data_, 0, allocated_);
    hashed_ = sha.ok() && sha.Final(digest_);
  }
#endif

  void FailErrno(int err, const char* syscall) { Fail(ErrnoCode(err), syscall, std::strerror(err)); }
  void Fail(const char* code, const char* syscall, const std::string& why) {
    code_ = code;
    syscall_ = syscall;
    SetError(std::string(code) + ": " + why + ", " + syscall + " '" + path_ + "'");
  }

  std::string path_;
  double max_;
  Napi::Promise::Deferred deferred_;
  uint8_t* data_ = nullptr;
  size_t allocated_ = 0;
  size_t size_ = 0;
  uint8_t digest_[32] = {};
  bool hashed_ = false;
  std::string code_ = "EIO";
  std::string syscall_ = "read";
};

}  // namespace

bool HaveSha256() { return GetEvp().ok; }

Napi::Value ReadFileAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    ThrowType(env, "readFileAsync: the path must be a string");
    return env.Undefined();
  }
  double maxBytes;
  if (!GetInteger(info, 1, &maxBytes) || maxBytes < 0) {
    ThrowRange(env, "readFileAsync: maxBytes " + NumberText(info, 1) + " is not a non-negative integer");
    return env.Undefined();
  }
  auto* worker = new ReadFileWorker(env, info[0].As<Napi::String>().Utf8Value(), maxBytes);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value AllocBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double length;
  if (!GetInteger(info, 0, &length) || length < 0 || length > 9007199254740991.0) {
    ThrowRange(env, "allocBytes: length " + NumberText(info, 0) + " is not a non-negative integer");
    return env.Undefined();
  }
  size_t n = static_cast<size_t>(length);
  size_t allocated = n == 0 ? 1 : n;
  auto* p = static_cast<uint8_t*>(PagesAlloc(allocated));
  if (p == nullptr) {
    ThrowRange(env, "allocBytes: out of memory for " + std::to_string(n) + " bytes");
    return env.Undefined();
  }
  // Fresh anonymous mappings (large blocks on Linux) are zero already; others come from malloc.
#if defined(__linux__)
  if (allocated < (size_t{2} << 20)) std::memset(p, 0, allocated);
#else
  std::memset(p, 0, allocated);
#endif
  return PagesArray(env, p, n, allocated);
}

}  // namespace pfsc
