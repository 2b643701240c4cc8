#include "setting_checks.h"

#include <spdlog/spdlog.h>

namespace kura {

std::string NotLocalEndpoint(const std::string& endpoint) {
  if (endpoint.starts_with("ipc://") && endpoint.size() > 6) return "";
  const std::string why = endpoint +
                          ": the local API has no authentication, so it listens only on ipc:// or "
                          "loopback tcp (tcp://127.0.0.1:<port>, tcp://[::1]:<port>)";
  if (!endpoint.starts_with("tcp://")) return why;
  std::string address = endpoint.substr(6);
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) return why;
  std::string host = address.substr(0, colon);  // a ';' source address or '*' fails below
  if (host == "lo" || host == "[::1]") return "";  // libzmq binds interface names, not host names
  bool dotted = host.find_first_not_of("0123456789.") == std::string::npos;
  return dotted && host.starts_with("127.") ? "" : why;
}

std::string BadLogLevel(const std::string& level) {
  // spdlog's own reading (SetUpLogging's), which gives off for a name it does not know.
  if (spdlog::level::from_str(level) != spdlog::level::off || level == "off") return "";
  return "\"" + level + "\" is not a log level: trace, debug, info, warn, error, critical or off";
}

}  // namespace kura
