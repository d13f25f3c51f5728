// Parsing helpers shared by the subcommands.
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

// "50" -> {50}; "50,30,20" -> {50, 30, 20}; "0" -> {} (no hidden layer: the softmax classifier).
// Throws UsageError on empty fields, non-numbers and widths < 1 (other than a lone "0").
std::vector<int> ParseHiddenLayers(const std::string& text);

// Prints "key=value" on stdout, the machine-readable result lines.
void PrintResult(const std::string& key, double value, int decimals = 4);

}  // namespace tinymlp
