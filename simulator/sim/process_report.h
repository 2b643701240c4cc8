// The report of a multi-process kura-sim run: a human table (operations by kind
// acknowledged/refused/unknown, faults planned and injected, what became of the unknown
// operations, convergence time, the checks and their result), the same as JSON, and what a
// violation prints. Pure formatting; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "process_options.h"
#include "process_run.h"

namespace kura::sim {

std::string FormatProcessRun(const ProcessOptions& options, const ProcessResult& result);
nlohmann::json ProcessRunJson(const ProcessOptions& options, const ProcessResult& result);
// The seed, the failing check, the recent operations and faults, and how to run it again.
std::string FormatProcessViolation(const ProcessOptions& options, const ProcessResult& result);

}  // namespace kura::sim
