// tinymlp: train, evaluate and inspect fully connected CIFAR-10 classifiers.
//
// Exit codes: 0 success, 1 bad data (missing or corrupt files), 2 usage (flags and values).
// Every error is one line on stderr that names the flag or file and what is wrong; a usage error
// ends by pointing to the subcommand's own help ("see tinymlp train --help") and, for a
// mistyped subcommand or flag, suggests the nearest one (apps/tinymlp/app.cc).
#include "apps/tinymlp/app.h"

int main(int argc, char** argv) { return tinymlp::RunApp(*tinymlp::MakeApp(), argc, argv); }
