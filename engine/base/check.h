// TINYMLP_CHECK: the always-on check for programming errors, the kind that would otherwise
// corrupt memory (GGML_ASSERT in ggml, HWY_ASSERT in Highway). On failure it prints one line,
// file:line, the condition and a printf-style message with the values involved (say "need 128
// bytes, 64 left", not "too small"), and aborts.
//
// It is not for bad input: a missing file or a wrong flag throws Error (platform/error.h), which
// the command line turns into exit code 1 or 2. A failed check means the code is wrong, so no
// caller should catch it and carry on: aborting also keeps it from being reported as bad data.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace tinymlp {

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition,
                                     const char* format, ...) __attribute__((format(printf, 4, 5)));

inline void CheckFailed(const char* file, int line, const char* condition, const char* format,
                        ...) {
  std::fprintf(stderr, "tinymlp: internal error at %s:%d: check failed: %s: ", file, line,
               condition);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace tinymlp

// The message and its arguments are evaluated only when the check fails.
#define TINYMLP_CHECK(condition, ...)                                      \
  do {                                                                     \
    if (!(condition)) {                                                    \
      ::tinymlp::CheckFailed(__FILE__, __LINE__, #condition, __VA_ARGS__); \
    }                                                                      \
  } while (0)
