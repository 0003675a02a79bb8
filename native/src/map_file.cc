#include "map_file.h"

#include <cerrno>
#include <cstring>
#include <string>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "args.h"

namespace pfsc {

namespace {

/** An Error shaped like Node's fs errors (code, errno, syscall, path), so callers treat both alike. */
void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path) {
  const char* code = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == EISDIR ? "EISDIR" : err == ENOMEM ? "ENOMEM" : "EIO";
  Napi::Error e = Napi::Error::New(env, std::string(code) + ": " + std::strerror(err) + ", " + syscall + " '" + path + "'");
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.Set("path", Napi::String::New(env, path));
  e.ThrowAsJavaScriptException();
}

}  // namespace

Napi::Value MapFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    ThrowType(env, "mapFile: the path must be a string");
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
#ifdef _WIN32
  ThrowErrno(env, ENOSYS, "mmap", path);
  return env.Undefined();
#else
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ThrowErrno(env, errno, "open", path);
    return env.Undefined();
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "fstat", path);
    return env.Undefined();
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    ThrowErrno(env, EISDIR, "read", path);
    return env.Undefined();
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return Napi::ArrayBuffer::New(env, 0);
  }
  // MAP_PRIVATE: the file is never written through the mapping. PROT_WRITE on a private
  // mapping only means a stray write copies the page instead of killing the process.
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  int err = errno;
  close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) {
    ThrowErrno(env, err, "mmap", path);
    return env.Undefined();
  }
  madvise(p, size, MADV_WILLNEED);
  return Napi::ArrayBuffer::New(
      env, p, size, [](Napi::Env, void* data, size_t* length) {
        munmap(data, *length);
        delete length;
      },
      new size_t(size));
#endif
}

}  // namespace pfsc
