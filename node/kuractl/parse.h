// What a person types on kuractl's command line, turned into API values: integers,
// quantities, prices, durations, hold lines and ids. Every failure is InvalidArgument with
// a message naming the argument and the expected form, so bad input is refused before
// anything is sent. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kura/schema/status.h"

namespace kura::ctl {

// A plain decimal integer in [min, max]: an optional '-' and digits only. Unlike strtoll
// with base 0, "010" is ten, and "1e3", "0x10" and "12abc" are refused.
Result<int64_t> ParseInt(std::string_view text, std::string_view what, int64_t min, int64_t max);
// A quantity of units in 1..kMaxQty (kura/schema/records.h), the daemon's own bound, so a
// quantity the daemon would refuse is refused here, before anything is sent.
Result<int64_t> ParseQty(std::string_view text, std::string_view what);
// A counted number of units (a stocktake) in 0..kMaxQty, likewise.
Result<int64_t> ParseCounted(std::string_view text, std::string_view what);
// A list's --limit: how many items one page shows, 1..max, the list op's bound
// (kura/schema/arg_limits.h).
Result<int64_t> ParseLimit(std::string_view text, int64_t max);

// A unit price written as a decimal with at most two places ("12", "12.5", "12.50"), in
// minor units (cents): "12.50" -> 1250. Signs, exponents, thousands separators and a third
// decimal place are refused rather than rounded.
// Prices above kMaxPriceCents (kura/schema/arg_limits.h), the daemon's bound, are refused.
Result<int64_t> ParsePriceCents(std::string_view text, std::string_view what);

// A decimal number of degrees in [min, max]: an optional '-', digits, and optionally '.'
// and more digits ("35.6595", "-0.5", "139"). Exponents, '+', "nan" and "inf" are refused.
Result<double> ParseDegrees(std::string_view text, std::string_view what, double min, double max);

// A point on Earth written "LAT,LON" in degrees ("35.6595,139.7005"): latitude in
// -90..90, longitude in -180..180, each as ParseDegrees takes it.
struct PointArg {
  double lat = 0;
  double lon = 0;
};
Result<PointArg> ParsePoint(std::string_view text, std::string_view what);

// A duration as one or more <number><unit> parts, unit s, m, h or d: "90s", "30m",
// "1h30m", "3d" -> seconds. Must be at least one second.
// At most `max_seconds`, the daemon's bound for what it is used for (e.g.
// kMaxHoldExpirySeconds); REQUIRES: max_seconds is far below int64's range (centuries).
Result<int64_t> ParseDurationSeconds(std::string_view text, std::string_view what, int64_t max_seconds);

// One hold line, "SKU:QTY" (e.g. "TEE-M-BLK:2"); the SKU is checked like the daemon does.
struct LineArg {
  std::string sku;
  int64_t qty = 0;
};
Result<LineArg> ParseLine(std::string_view text, std::string_view what);

// `text` checked by one of the id validators of kura/schema/ids.h (ValidateSku, ...),
// with the failure prefixed by `what`.
Result<std::string> ParseId(std::string_view text, std::string_view what,
                            Status (*validate)(std::string_view));

}  // namespace kura::ctl
