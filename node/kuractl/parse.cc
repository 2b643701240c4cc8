#include "parse.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <sstream>

#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "kura/schema/records.h"

namespace kura::ctl {
namespace {

Status Bad(std::string_view what, std::string_view text, std::string_view expected) {
  return Status::InvalidArgument(std::string(what) + " \"" + std::string(text) + "\": " +
                                 std::string(expected));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Accumulates the digits of `digits` into *value; false on overflow of int64.
bool AddDigits(std::string_view digits, int64_t* value) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (char c : digits) {
    int d = c - '0';
    if (*value > (kMax - d) / 10) return false;
    *value = *value * 10 + d;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

}  // namespace

Result<int64_t> ParseInt(std::string_view text, std::string_view what, int64_t min, int64_t max) {
  std::string range = "must be a whole number";
  if (min != std::numeric_limits<int64_t>::min() || max != std::numeric_limits<int64_t>::max()) {
    range += " in " + std::to_string(min) + ".." + std::to_string(max);
  }
  std::string_view digits = text;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  int64_t magnitude = 0;
  if (!AllDigits(digits) || !AddDigits(digits, &magnitude)) return Bad(what, text, range);
  int64_t value = negative ? -magnitude : magnitude;
  if (value < min || value > max) return Bad(what, text, range);
  return value;
}

Result<int64_t> ParseQty(std::string_view text, std::string_view what) {
  return ParseInt(text, what, 1, kMaxQty);
}

Result<int64_t> ParseCounted(std::string_view text, std::string_view what) {
  return ParseInt(text, what, 0, kMaxQty);
}

Result<int64_t> ParseLimit(std::string_view text, int64_t max) {
  return ParseInt(text, "--limit", 1, max);
}

Result<int64_t> ParsePriceCents(std::string_view text, std::string_view what) {
  constexpr std::string_view kForm = "must be a price like 12, 12.5 or 12.50 (at most two decimals)";
  std::string_view units = text, fraction;
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    units = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (!AllDigits(fraction) || fraction.size() > 2) return Bad(what, text, kForm);
  }
  int64_t cents = 0;
  // 15 digits of whole units keep the cents far inside int64.
  if (!AllDigits(units) || units.size() > 15 || !AddDigits(units, &cents)) {
    return Bad(what, text, kForm);
  }
  int64_t frac = 0;
  if (!AddDigits(fraction, &frac)) return Bad(what, text, kForm);
  if (fraction.size() == 1) frac *= 10;
  cents = cents * 100 + frac;
  if (cents > kMaxPriceCents) {
    char most[32];
    std::snprintf(most, sizeof most, "%lld.%02lld", static_cast<long long>(kMaxPriceCents / 100),
                  static_cast<long long>(kMaxPriceCents % 100));
    return Bad(what, text, std::string("must be at most ") + most + " (the daemon's bound)");
  }
  return cents;
}

Result<double> ParseDegrees(std::string_view text, std::string_view what, double min, double max) {
  std::ostringstream form;
  form << "must be a decimal number of degrees in " << min << ".." << max << ", e.g. 35.6595";
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  std::string_view units = digits.substr(0, digits.find('.'));
  std::string_view fraction = units.size() < digits.size() ? digits.substr(units.size() + 1) : "";
  bool has_dot = units.size() < digits.size();
  if (!AllDigits(units) || (has_dot && !AllDigits(fraction)) || digits.size() > 24) {
    return Bad(what, text, form.str());
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Bad(what, text, form.str());
  }
  return value;
}

Result<PointArg> ParsePoint(std::string_view text, std::string_view what) {
  auto comma = text.find(',');
  if (comma == std::string_view::npos) return Bad(what, text, "must be LAT,LON, e.g. 35.6595,139.7005");
  std::string lat_what = std::string(what) + " latitude", lon_what = std::string(what) + " longitude";
  KURA_ASSIGN_OR_RETURN(double lat, ParseDegrees(text.substr(0, comma), lat_what, -90, 90));
  KURA_ASSIGN_OR_RETURN(double lon, ParseDegrees(text.substr(comma + 1), lon_what, -180, 180));
  return PointArg{lat, lon};
}

Result<int64_t> ParseDurationSeconds(std::string_view text, std::string_view what, int64_t max_seconds) {
  constexpr std::string_view kForm =
      "must be a duration like 90s, 30m, 2h, 3d or 1h30m (units s, m, h, d)";
  if (text.empty()) return Bad(what, text, kForm);
  int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t n = 0;
    while (n < rest.size() && IsDigit(rest[n])) ++n;
    if (n == 0 || n == rest.size() || n > 9) return Bad(what, text, kForm);
    int64_t amount = 0;
    AddDigits(rest.substr(0, n), &amount);  // at most 9 digits: cannot overflow
    int64_t unit = 0;
    switch (rest[n]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: return Bad(what, text, kForm);
    }
    total += amount * unit;
    // Checked at every part, so the total stays far from overflowing int64.
    if (total > max_seconds) {
      std::string most = max_seconds % 86400 == 0 ? std::to_string(max_seconds / 86400) + "d"
                                                  : std::to_string(max_seconds) + "s";
      return Bad(what, text, "must be at most " + most);
    }
    rest.remove_prefix(n + 1);
  }
  if (total < 1) return Bad(what, text, "must be at least 1s");
  return total;
}

Result<LineArg> ParseLine(std::string_view text, std::string_view what) {
  constexpr std::string_view kForm = "must be SKU:QTY, e.g. TEE-M-BLK:2";
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return Bad(what, text, kForm);
  std::string_view sku = text.substr(0, colon), qty = text.substr(colon + 1);
  if (Status s = ValidateSku(sku); !s.ok()) return Bad(what, text, s.message());
  auto n = ParseQty(qty, "QTY");
  if (!n.ok()) return Bad(what, text, n.status().message() + " (SKU:QTY, e.g. TEE-M-BLK:2)");
  return LineArg{std::string(sku), *n};
}

Result<std::string> ParseId(std::string_view text, std::string_view what,
                            Status (*validate)(std::string_view)) {
  if (Status s = validate(text); !s.ok()) return Bad(what, text, s.message());
  return std::string(text);
}

}  // namespace kura::ctl
