// Bytes shown as text where they may not be text: a peer's strings in error messages, logs
// and HQ's exception log, a key with binary parts in a report. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace kura {

// `bytes` with every byte outside printable ASCII, and the backslash and double quote
// (which delimit a log line's values), as \xNN; of a longer input only the first
// `max_bytes`, followed by "...(N more bytes)". The result is printable ASCII.
std::string Printable(std::string_view bytes,
                      std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

// How much of a peer's words an error passes on (PROTOCOL.md 2.2, 2.4): a sync refusal's
// message, a store's refusal of a routed order.
inline constexpr std::size_t kMaxQuotedBytes = 300;

}  // namespace kura
