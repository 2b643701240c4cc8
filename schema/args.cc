#include "kura/schema/args.h"

#include <cmath>
#include <sstream>

#include "kura/schema/codec.h"

namespace kura {
namespace {

const nlohmann::json* Find(const nlohmann::json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return nullptr;
  return &*it;
}

Status FieldError(const char* name, const std::string& what) {
  return Status::InvalidArgument(std::string(name) + ": " + what);
}

Result<std::string> CheckString(const nlohmann::json& v, const char* name,
                                const IdValidator& validate) {
  if (!v.is_string()) return FieldError(name, "must be a string");
  std::string s = v.get<std::string>();
  if (validate) {
    Status st = validate(s);
    if (!st.ok()) return FieldError(name, st.message());
  } else if (s.empty() || s.size() > kMaxStringBytes) {
    return FieldError(name, "must be 1.." + std::to_string(kMaxStringBytes) + " bytes");
  }
  return s;
}

// "90", "-180", "0.5": no trailing zeros.
std::string FormatNumber(double d) {
  std::ostringstream out;
  out << d;
  return out.str();
}

}  // namespace

Result<std::string> ArgString(const nlohmann::json& args, const char* name,
                              const IdValidator& validate) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return FieldError(name, "is required");
  return CheckString(*v, name, validate);
}

Result<std::string> ArgOptString(const nlohmann::json& args, const char* name,
                                 const IdValidator& validate) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return std::string();
  return CheckString(*v, name, validate);
}

Result<int64_t> ArgInt(const nlohmann::json& args, const char* name, int64_t min, int64_t max) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return FieldError(name, "is required");
  std::string range = "must be an integer in " + std::to_string(min) + ".." + std::to_string(max);
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (max < 0 || u > static_cast<uint64_t>(max) || static_cast<int64_t>(u) < min) {
      return FieldError(name, range);
    }
    return static_cast<int64_t>(u);
  }
  if (v->is_number_integer()) {
    int64_t i = v->get<int64_t>();
    if (i < min || i > max) return FieldError(name, range);
    return i;
  }
  return FieldError(name, range);
}

Result<int64_t> ArgOptInt(const nlohmann::json& args, const char* name, int64_t min, int64_t max,
                          int64_t fallback) {
  if (Find(args, name) == nullptr) return fallback;
  return ArgInt(args, name, min, max);
}

Result<double> ArgNumber(const nlohmann::json& args, const char* name, double min, double max) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return FieldError(name, "is required");
  double d = v->is_number() ? v->get<double>() : std::nan("");
  // The negated comparison also refuses NaN.
  if (!(d >= min && d <= max)) {
    return FieldError(name, "must be a number in " + FormatNumber(min) + ".." + FormatNumber(max));
  }
  return d;
}

Result<bool> ArgOptBool(const nlohmann::json& args, const char* name, bool fallback) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) return FieldError(name, "must be true or false");
  return v->get<bool>();
}

Result<const nlohmann::json*> ArgArray(const nlohmann::json& args, const char* name,
                                       std::size_t max_items) {
  const nlohmann::json* v = Find(args, name);
  if (v == nullptr) return FieldError(name, "is required");
  if (!v->is_array() || v->empty() || v->size() > max_items) {
    return FieldError(name, "must be an array of 1.." + std::to_string(max_items) + " items");
  }
  return v;
}

}  // namespace kura
