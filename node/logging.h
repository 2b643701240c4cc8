// Operator logs: one line per event on stderr, "time level event=... key=value".
#pragma once

#include <string>

namespace kura {

// Sets the pattern and level (trace, debug, info, warn, error; anything else is info).
void SetUpLogging(const std::string& level);
// Changes the level of the logger SetUpLogging made (kura-hq reloading its settings).
void SetLogLevel(const std::string& level);

}  // namespace kura
