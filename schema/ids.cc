#include "kura/schema/ids.h"

#include <algorithm>

namespace kura {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Status CheckChars(std::string_view what, std::string_view id, std::size_t max_len,
                  std::string_view extra, bool lower_only) {
  if (id.empty() || id.size() > max_len) {
    return Status::InvalidArgument(std::string(what) + " must be 1.." + std::to_string(max_len) +
                                   " characters");
  }
  for (char c : id) {
    bool ok = IsAlnum(c) || extra.find(c) != std::string_view::npos;
    if (lower_only && c >= 'A' && c <= 'Z') ok = false;
    if (!ok) {
      return Status::InvalidArgument(std::string(what) + " has a character outside [" +
                                     (lower_only ? "a-z0-9" : "A-Za-z0-9") + std::string(extra) +
                                     "]");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateStoreId(std::string_view id) {
  if (id == kHqOrigin) return Status::InvalidArgument("store id \"hq\" is reserved for HQ");
  return CheckChars("store id", id, kMaxStoreIdLen, "-", true);
}
Status ValidateOrigin(std::string_view origin) {
  return origin == kHqOrigin ? Status::Ok() : ValidateStoreId(origin);
}
Status ValidateSku(std::string_view sku) { return CheckChars("sku", sku, kMaxSkuLen, "._-", false); }
Status ValidateCustomerId(std::string_view id) {
  return CheckChars("customer id", id, kMaxCustomerIdLen, "._@+-", false);
}
Status ValidateRequestId(std::string_view rid) {
  return CheckChars("request id", rid, kMaxRequestIdLen, "._:-", false);
}

Status ValidateHoldId(std::string_view id) {
  auto dot = id.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == id.size() || id.size() > kMaxHoldIdLen) {
    return Status::InvalidArgument("hold id must look like <store>.<number>");
  }
  KURA_RETURN_IF_ERROR(ValidateOrigin(id.substr(0, dot)));
  auto digits = id.substr(dot + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("hold id must look like <store>.<number>");
  }
  return Status::Ok();
}

std::string MakeHoldId(std::string_view origin, uint64_t n) {
  return std::string(origin) + "." + std::to_string(n);
}

}  // namespace kura
