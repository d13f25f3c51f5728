// The tinymlp subcommands. Each Add*Command registers its flags on the app and a callback that
// runs it; errors leave as tinymlp::Error (or CLI::ParseError) for main() to report.
#pragma once

#include <CLI/CLI.hpp>

namespace tinymlp {

void AddTrainCommand(CLI::App& app);
void AddEvalCommand(CLI::App& app);
void AddGradcheckCommand(CLI::App& app);
void AddInfoCommand(CLI::App& app);
void AddPredictCommand(CLI::App& app);
void AddPlotCommand(CLI::App& app);
void AddWeightsCommand(CLI::App& app);
void AddSearchCommand(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddBenchTrainCommand(CLI::App& app);
void AddExportCommand(CLI::App& app);
// Inference-only builds: the commands above that are compiled out, each a one-line usage error.
void AddLeftOutCommands(CLI::App& app);

}  // namespace tinymlp
