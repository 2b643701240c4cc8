#include "endpoint_failure.h"

#include <cerrno>

namespace kura {

Status EndpointFailure(const std::string& what_failed, const zmq::error_t& e) {
  std::string message = what_failed + ": " + e.what();
  switch (e.num()) {
    case EINVAL:
    case EPROTONOSUPPORT:
    case ENOCOMPATPROTO:
    case ENAMETOOLONG:
    case ENOENT:
    case EACCES:
      return Status::InvalidArgument(message);
    default:
      return Status::IOError(message);
  }
}

}  // namespace kura
