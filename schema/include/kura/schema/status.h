// Status and Result<T>: how every kura call reports success or a named failure.
//
// Errors from RocksDB, ZeroMQ and msgpack are caught where those libraries are called and
// turned into a Status here; they never cross a layer boundary as exceptions.
// A Status is a small value type; it is safe to copy and to use from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kura {

class [[nodiscard]] Status {
 public:
  // The codes are part of the local API (schema/PROTOCOL.md, "Error codes"): add new ones at
  // the end and never renumber. 0 is success.
  enum class Code {
    kOk = 0,
    kNotFound = 1,
    kInvalidArgument = 2,
    kConflict = 3,           // the operation is not legal in the current state
    kInsufficientStock = 4,  // a promise beyond what can be promised
    kCorruption = 5,
    kIOError = 6,
    kTooLarge = 7,
    kBadRequest = 8,  // the request could not be decoded at all
    kUnknownOp = 9,
    kUnsupported = 10,
    kBusy = 11,  // e.g. the data directory is locked by another daemon
    kInternal = 12,
    kNeedsOverride = 13,  // allowed only with an explicit override (a till sale into promises)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status NeedsOverride(std::string msg) { return {Code::kNeedsOverride, std::move(msg)}; }
  static Status InsufficientStock(std::string msg) {
    return {Code::kInsufficientStock, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status TooLarge(std::string msg) { return {Code::kTooLarge, std::move(msg)}; }
  static Status BadRequest(std::string msg) { return {Code::kBadRequest, std::move(msg)}; }
  static Status UnknownOp(std::string msg) { return {Code::kUnknownOp, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status Busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status FromCode(Code code, std::string msg) { return {code, std::move(msg)}; }

  // The stable lower-case name of a code, as sent on the wire ("not_found", ...).
  static std::string_view CodeName(Code code);
  // The inverse of CodeName; unknown names give kInternal.
  static Code CodeFromName(std::string_view name);

  bool ok() const { return code_ == Code::kOk; }
  // Marks a status as deliberately ignored (best-effort work the caller covers otherwise).
  void IgnoreError() const {}
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  std::string_view code_name() const { return CodeName(code_); }
  // "not_found: hold tokyo-01.7 does not exist"
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace kura

// Returns early from the enclosing function when `expr` yields a non-ok Status.
#define KURA_RETURN_IF_ERROR(expr)      \
  do {                                  \
    ::kura::Status kura_status_ = (expr); \
    if (!kura_status_.ok()) return kura_status_; \
  } while (0)

#define KURA_CONCAT_INNER(a, b) a##b
#define KURA_CONCAT(a, b) KURA_CONCAT_INNER(a, b)
// `KURA_ASSIGN_OR_RETURN(auto x, ExprReturningResult())`
#define KURA_ASSIGN_OR_RETURN(lhs, expr) \
  KURA_ASSIGN_OR_RETURN_IMPL(KURA_CONCAT(kura_result_, __LINE__), lhs, expr)
#define KURA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
