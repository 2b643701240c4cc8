#include "kura/schema/status.h"

namespace kura {

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kNotFound: return "not_found";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kConflict: return "invalid_state";
    case Code::kInsufficientStock: return "insufficient_stock";
    case Code::kCorruption: return "corruption";
    case Code::kIOError: return "io_error";
    case Code::kTooLarge: return "too_large";
    case Code::kBadRequest: return "bad_request";
    case Code::kUnknownOp: return "unknown_op";
    case Code::kUnsupported: return "unsupported_version";
    case Code::kBusy: return "busy";
    case Code::kInternal: return "internal";
    case Code::kNeedsOverride: return "needs_override";
  }
  return "internal";
}

Status::Code Status::CodeFromName(std::string_view name) {
  for (int c = 0; c <= static_cast<int>(Code::kNeedsOverride); ++c) {
    if (CodeName(static_cast<Code>(c)) == name) return static_cast<Code>(c);
  }
  return Code::kInternal;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(code_name());
  out += ": ";
  out += message_;
  return out;
}

}  // namespace kura
