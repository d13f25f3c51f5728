// What every subcommand's --help shows besides its flags, set in one place for all of them: an
// example command line (the footer), the allowed values of each choice flag (in place of TEXT),
// and a default for every option that has one, including those whose default depends on other
// flags ("cyclic; constant with --eta").
#pragma once

#include <CLI/CLI.hpp>

namespace tinymlp {

// Call once, after adding every subcommand.
void AddHelpText(CLI::App& app);

}  // namespace tinymlp
