#include "setting_checks.h"

#include <sys/un.h>

#include <filesystem>

#include <spdlog/spdlog.h>

namespace kura {
namespace {

bool AllDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// tcp://<host>:<port>, as libzmq takes it (zmq_tcp(7)); a dial may name a source address
// first ("<source>;<host>:<port>"). To bind, the port may be "*" (any free one).
std::string UnusableTcpAddress(const std::string& address, EndpointUse use) {
  std::string target = use == EndpointUse::kConnect ? address.substr(address.rfind(';') + 1) : address;
  std::size_t colon = target.rfind(':');
  if (colon == std::string::npos || colon == 0) return "want tcp://<host>:<port>";
  std::string host = target.substr(0, colon), port = target.substr(colon + 1);
  if (use == EndpointUse::kBind && port == "*") return "";
  bool in_range = AllDigits(port) && port.size() <= 5 && std::stoi(port) <= 65535;
  if (!in_range || (use == EndpointUse::kConnect && std::stoi(port) == 0)) return "port " + port + " is not a port";
  if (use == EndpointUse::kConnect && host == "*") return "cannot dial the wildcard address *";
  return "";
}

// ipc://<path> (zmq_ipc(7)): a Unix socket's path fits in sockaddr_un; "*" binds a fresh
// file, and "@" names Linux's abstract namespace, which has no directory.
std::string UnusableIpcPath(const std::string& path, EndpointUse use, const std::string& made_at_start) {
  if (path.empty()) return "want ipc://<path>";
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return "the path is longer than a socket's " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
  }
  if (use == EndpointUse::kConnect || path == "*" || path.starts_with("@")) return "";
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) return "";  // the working directory
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return "";
  auto normal = [](const std::filesystem::path& p) { return (p / "").lexically_normal(); };
  if (!made_at_start.empty() && normal(dir) == normal(made_at_start)) return "";
  return "directory " + dir.string() + " does not exist";
}

}  // namespace

std::string UnusableEndpoint(const std::string& endpoint, EndpointUse use, const std::string& made_at_start) {
  std::size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) return endpoint + ": not an endpoint (tcp://<host>:<port> or ipc://<path>)";
  std::string transport = endpoint.substr(0, scheme_end), address = endpoint.substr(scheme_end + 3);
  std::string why = transport == "tcp"   ? UnusableTcpAddress(address, use)
                    : transport == "ipc" ? UnusableIpcPath(address, use, made_at_start)
                                         : "unknown transport " + transport + " (kura speaks tcp:// and ipc://)";
  return why.empty() ? "" : endpoint + ": " + why;
}

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

std::string BadApiEndpoint(const std::string& endpoint, const std::string& data_dir) {
  std::string why = UnusableEndpoint(endpoint, EndpointUse::kBind, data_dir);
  return why.empty() ? NotLocalEndpoint(endpoint) : why;
}

std::string BadLogLevel(const std::string& level) {
  // spdlog's own reading (SetUpLogging's), which gives off for a name it does not know.
  if (spdlog::level::from_str(level) != spdlog::level::off || level == "off") return "";
  return "\"" + level + "\" is not a log level: trace, debug, info, warn, error, critical or off";
}

}  // namespace kura
