// Fuzz target: the command line (apps/tinymlp/app.h). The input is an argument vector, its
// arguments separated by NUL bytes. The app is the one main() builds, with every flag, check and
// parser; the commands themselves are switched off (a fuzzed `train` or `weights --out` would
// train for minutes or write anywhere), so this exercises parsing and validation, which is where
// the command line meets its input. A bad vector must end in CLI11's or tinymlp's error; any
// other exception escaping (std::out_of_range from a conversion, say) is a finding, since the
// user would see its bare what() text.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apps/tinymlp/app.h"
#include "platform/error.h"

namespace {

// The callback a subcommand runs after parsing. CLI11 keeps it protected; a pointer to the
// member, taken in a derived class, reads it without touching the app's type.
struct CallbackAccess : CLI::App {
  static constexpr std::function<void()> CLI::App::*kFinal = &CallbackAccess::final_callback_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;  // CLI11 takes them last first
  std::string arg;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += static_cast<char>(data[i]);
    }
  }
  if (size > 0) args.push_back(arg);
  if (args.size() > 64) return 0;  // longer vectors find nothing new, only slow the search
  std::vector<std::string> reversed(args.rbegin(), args.rend());

  // One app for every input, as building it costs 100 times a parse; clear() resets what the
  // last parse recorded. (The variables behind the flags keep the last values given, where a
  // fresh process would hold the defaults: the parsers and checks see the same text either way.)
  static CLI::App* const app = [] {
    CLI::App* built = tinymlp::MakeApp().release();
    // Parse and check, run nothing. Each callback owns its command's options (the variables
    // the flags are parsed into), so it is moved aside and kept alive, not dropped.
    static std::vector<std::function<void()>> commands;
    for (CLI::App* command : built->get_subcommands([](CLI::App*) { return true; })) {
      commands.push_back(std::move(command->*CallbackAccess::kFinal));
      command->*CallbackAccess::kFinal = nullptr;
    }
    return built;
  }();
  app->clear();
  try {
    app->parse(reversed);
  } catch (const CLI::Error&) {
  } catch (const tinymlp::Error&) {
  }
  return 0;
}
