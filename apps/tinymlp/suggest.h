// "Did you mean ...?" for a mistyped subcommand or flag: the known name nearest to what was typed,
// by edit distance, when it is near enough to be the likely intent.
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: the optimal
// string alignment distance, so "trian" is one edit from "train".
int EditDistance(const std::string& a, const std::string& b);

// The candidate nearest to `typed`, or "" when none is near: within 2 edits and fewer edits than
// half the typed length ("--hiden" -> "--hidden", "trian" -> "train"), or the only candidate that
// `typed` begins ("--evals" -> "--evals-per-cycle"). Ties go to the earlier candidate.
std::string Nearest(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace tinymlp
