// The one error type tinymlp throws. Set-up code (argument checks, file readers) throws it; the
// hot path (kernels, training steps) never does, because everything it touches was validated
// before the first step. The command line turns an Error into one line on stderr and an exit
// code: 2 for a usage error (a flag or value), 1 for bad data (a file that is missing or corrupt),
// and 128 + the signal for a command stopped by SIGINT (130) or SIGTERM (143) once it has saved
// what it can (platform/interrupt.h): the shells' convention for a process ended by a signal.
//
// Installed as tinymlp/error.h, the public error type (engine/api/CMakeLists.txt copies this file
// there). A program may see both copies, so the guard is a macro: #pragma once tells files apart
// by path and would let the class be defined twice.
#ifndef TINYMLP_ERROR_H_
#define TINYMLP_ERROR_H_

#include <stdexcept>
#include <string>

namespace tinymlp {

enum class ErrorKind { kData = 1, kUsage = 2, kInterrupted = 130, kTerminated = 143 };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const { return static_cast<int>(kind_); }

 private:
  ErrorKind kind_;
};

inline Error DataError(const std::string& message) { return Error(ErrorKind::kData, message); }
inline Error UsageError(const std::string& message) { return Error(ErrorKind::kUsage, message); }
// Stopped by `signal`: SIGTERM (15) gives exit code 143, SIGINT and anything else 130.
inline Error InterruptedError(int signal, const std::string& message) {
  return Error(signal == 15 ? ErrorKind::kTerminated : ErrorKind::kInterrupted, message);
}

}  // namespace tinymlp

#endif  // TINYMLP_ERROR_H_
