// What every build's subcommands share: the check that runs an engine or lab parser on a flag's
// text, and the --json flag. (The training flags declared once: run_flags.h.)
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "platform/error.h"

namespace tinymlp {

// A CLI11 check that hands the flag's text to `parse` (ParseOptimizer, ParseHiddenLayers ...).
// Those parsers say what is wrong with the value and leave naming the flag to the command line:
// CLI11 puts the flag in front, "--optimizer: 'x' is not one of sgd, momentum, nesterov, adam",
// and main() reports it as a usage error (exit code 2).
template <typename Parse>
CLI::Validator ParsedBy(Parse parse) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
        } catch (const Error& e) {
          return e.what();
        }
        return std::string();
      },
      "");
}

// Checks every number flag of `app` and its subcommands before CLI11 converts it (call once,
// after adding every subcommand): an empty value, a non-number and an integer that overflows its
// 64 bits are refused ("--lambda: 'abc' is not a number"), and so is a floating-point value that
// is not finite: CLI::Range lets NaN through, since every comparison with NaN is false. Integers
// are read in decimal only ("010" is ten, not CLI11's octal eight).
void AddNumberChecks(CLI::App& app);

// --json: the command prints its results as one JSON document instead of key=value lines
// (results.h). Every subcommand has it.
void AddJsonFlag(CLI::App* cmd, bool& json);

// Creates the folder an output file goes into (`--out runs/x/w.png` needs no mkdir first), as
// `plot` and `train --out` do.
void MakeParentFolder(const std::string& file);

}  // namespace tinymlp
