#include "apps/tinymlp/options.h"

#include <errno.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "platform/files.h"

namespace tinymlp {
namespace {

// What is wrong with `text` as a number of the flag's kind, or "" when nothing is. An integer
// is rewritten in plain decimal, the form CLI11 then converts without guessing a base.
std::string CheckNumber(std::string& text, const std::string& kind) {
  if (text.empty()) return "an empty value is not a number";
  const std::string quoted = "'" + text + "'";
  char* end = nullptr;
  errno = 0;
  if (kind == "FLOAT") {
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') return quoted + " is not a number";
    if (!std::isfinite(v)) return quoted + " is not a finite number (it must be finite)";
    return std::string();
  }
  // strtoll would skip leading spaces and accept a sign; a digit (or '-' for INT) must come first.
  const bool is_signed = kind == "INT";
  const bool digit_first = text[0] >= '0' && text[0] <= '9';
  if (!digit_first && !(is_signed && text[0] == '-' && text.size() > 1)) {
    return quoted + (text[0] == '-' ? " is negative; a count or seed is >= 0" : " is not a number");
  }
  std::string canonical;
  if (is_signed) {
    const long long v = std::strtoll(text.c_str(), &end, 10);
    canonical = std::to_string(v);
  } else {
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    canonical = std::to_string(v);
  }
  if (*end != '\0') return quoted + " is not a whole number";
  if (errno == ERANGE) return quoted + " is out of range (too large for 64 bits)";
  text = canonical;
  return std::string();
}

}  // namespace

void AddNumberChecks(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    // The type name, before any ":" and the descriptions of the checks already added.
    const std::string full = option->get_type_name();
    const std::string kind = full.substr(0, full.find(':'));
    if (kind != "FLOAT" && kind != "INT" && kind != "UINT") continue;
    // transform() puts the check first, ahead of the flag's own Range (whose message would be
    // "Value abc not in range", and which NaN passes).
    option->transform(CLI::Validator([kind](std::string& text) { return CheckNumber(text, kind); },
                                     "", "number"));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    AddNumberChecks(*sub);
  }
}

void AddJsonFlag(CLI::App* cmd, bool& json) {
  cmd->add_flag("--json", json,
                "Print the results as one JSON document instead of key=value lines");
}

}  // namespace tinymlp

namespace tinymlp {

void MakeParentFolder(const std::string& file) {
  const size_t slash = file.find_last_of('/');
  if (slash != std::string::npos && slash > 0) MakeDirectories(file.substr(0, slash));
}

}  // namespace tinymlp
