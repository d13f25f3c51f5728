#include "apps/tinymlp/help_text.h"

#include <string>

namespace tinymlp {
namespace {

struct Example {
  const char* command;
  const char* line;
};
const Example kExamples[] = {
    {"info", "tinymlp info --json"},
    {"eval", "tinymlp eval --model runs/latest/model.tmlp --data DIR --per-class --plot cm.png"},
    {"predict", "tinymlp predict --model model.tmlp --top 3 cat.png test_batch.bin"},
    {"export", "tinymlp export --model model.tmlp --format npz model.npz"},
    {"plot", "tinymlp plot --metrics runs/latest/metrics.csv --out runs/latest"},
    {"weights", "tinymlp weights --model runs/latest/model.tmlp --out weights.png"},
    {"train",
     "tinymlp train --data DIR --split 49k --lambda 0.00115 --n-s 980 --cycles 3 --out run49k"},
    {"gradcheck", "tinymlp gradcheck --hidden 10,8 --batch-norm --data DIR"},
    {"search",
     "tinymlp search --data DIR --split 45k --lambda-log-min -5 --lambda-log-max -1 --count 8"},
    {"report", "tinymlp report --data DIR --out report --jobs 2"},
    {"bench-train", "tinymlp bench-train --data DIR --threads 1 --steps 2000"},
};

// Choice flags: their allowed values, shown where CLI11 would print TEXT.
struct Choice {
  const char* flag;
  const char* values;
};
const Choice kChoices[] = {
    {"--split", "10k|45k|49k"},
    {"--optimizer", "sgd|momentum|nesterov|adam"},
    {"--schedule", "cyclic|linear-decay|constant"},
    {"--init", "xavier|he|normal"},
    {"--augment", "none|flip|translate[:N],..."},
    {"--format", "npz"},
};

// Defaults that no variable holds (the value depends on other flags, or "not given" means
// something), shown as CLI11 shows the others: "=default".
struct Default {
  const char* flag;
  const char* text;
};
const Default kDefaults[] = {
    {"--schedule", "cyclic; constant with --eta"},
    {"--init", "xavier; normal with --init-sigma"},
    {"--init-sigma", "none"},
    {"--eta", "none (cyclic schedule)"},
    {"--epochs", "10 with --eta; as cyclic with linear-decay"},
    {"--threads", "0"},
    {"--title", "none"},
    {"--data", "none (random images)"},
    {"--plot", "none"},
};

}  // namespace

void AddHelpText(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    for (const Example& e : kExamples) {
      if (sub->get_name() == e.command) sub->footer(std::string("Example:\n  ") + e.line);
    }
    for (CLI::Option* o : sub->get_options()) {
      if (o->get_type_size() == 0 || o->get_positional()) continue;  // a flag or a positional
      const std::string name = o->get_name();
      for (const Choice& c : kChoices) {
        if (name == c.flag) o->type_name(c.values);
      }
      if (!o->get_default_str().empty() || o->get_required()) continue;
      for (const Default& d : kDefaults) {
        if (name == d.flag) o->default_str(d.text);
      }
    }
  }
}

}  // namespace tinymlp
