#include "kura/schema/records.h"

#include <array>
#include <utility>

namespace kura {
namespace {

constexpr std::array<std::pair<HoldKind, std::string_view>, 3> kKindNames{{
    {HoldKind::kPickup, "pickup"}, {HoldKind::kTryOn, "tryon"}, {HoldKind::kPhone, "phone"}}};

constexpr std::array<std::pair<HoldState, std::string_view>, 6> kStateNames{{
    {HoldState::kHeld, "held"},
    {HoldState::kConfirmed, "confirmed"},
    {HoldState::kReady, "ready"},
    {HoldState::kCancelled, "cancelled"},
    {HoldState::kExpired, "expired"},
    {HoldState::kCollected, "collected"},
}};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum v) {
  for (const auto& [value, name] : names) {
    if (value == v) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, N>& names,
                            std::string_view name) {
  for (const auto& [value, n] : names) {
    if (n == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view HoldKindName(HoldKind kind) { return NameOf(kKindNames, kind); }
std::optional<HoldKind> ParseHoldKind(std::string_view name) { return ValueOf(kKindNames, name); }
std::string_view HoldStateName(HoldState state) { return NameOf(kStateNames, state); }
std::optional<HoldState> ParseHoldState(std::string_view name) {
  return ValueOf(kStateNames, name);
}

std::string_view ReceiptKindName(ReceiptKind kind) {
  switch (kind) {
    case ReceiptKind::kSale: return "sale";
    case ReceiptKind::kReturn: return "return";
    case ReceiptKind::kCollection: return "collection";
    case ReceiptKind::kUnknown: break;
  }
  return "unknown";
}

}  // namespace kura
