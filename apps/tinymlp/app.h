// The tinymlp command line as a value: MakeApp builds the CLI11 app with every subcommand of this
// build, RunApp parses an argument vector, runs the chosen command and turns errors into one line
// on stderr and an exit code. main() is the two calls; the command-line fuzz target
// (tests/fuzz/cli_fuzz.cc) builds the same app and parses with the commands switched off.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace tinymlp {

// Every subcommand with its flags, then the number checks on all of them (options.h).
std::unique_ptr<CLI::App> MakeApp();

// Parses argv, runs the command and flushes stdout. Returns the exit code: 0 success, 1 bad data
// (missing or corrupt files), 2 usage (flags and values); every error is one line on stderr.
int RunApp(CLI::App& app, int argc, char** argv);

}  // namespace tinymlp
