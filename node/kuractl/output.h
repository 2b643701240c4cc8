// How kuractl shows things: aligned text tables and "key  value" blocks for people, one
// JSON document for scripts, errors on stderr (and as JSON on stdout with --json), and
// the small formatters they share (UTC times, durations, money). Not thread-safe: writes
// to the streams it is given.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kura::ctl {

// A table printed with every column as wide as its widest cell, two spaces apart. Numbers
// read best right-aligned; text left-aligned. No trailing spaces on any line.
class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // REQUIRES: cells.size() equals the number of columns.
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Labelled values, one per line, labels padded to the longest: "state    held".
using Fields = std::vector<std::pair<std::string, std::string>>;
void PrintFields(const Fields& fields, std::ostream& out);

// One JSON document, pretty-printed, newline-terminated.
void PrintJson(const nlohmann::json& doc, std::ostream& out);

// "kuractl: <code>: <message>" on `err`; with `json_too`, {"error":{"code","message"}} on
// `out` as well, so a script reading stdout sees what went wrong.
void PrintError(std::string_view code, std::string_view message, bool json_too, std::ostream& out,
                std::ostream& err);

// Milliseconds since the Unix epoch as "2024-05-01 14:30" (UTC); "-" for 0.
std::string FormatUtc(int64_t ms);
// Milliseconds since the Unix epoch as "2024-05-01 14:30:05 UTC"; "-" for 0.
std::string FormatUtcSeconds(int64_t ms);
// This machine's clock, in milliseconds since the Unix epoch.
int64_t NowMs();
// How long before `now_ms` the moment `ms` was, as "4s ago" or "1m 05s ago" (never
// negative: a daemon clock slightly ahead of this one reads "0s ago"); "never" for 0.
std::string FormatAgo(int64_t ms, int64_t now_ms);
// A span of seconds as "2d 03h", "1h 05m", "4m 10s" or "12s"; negative spans get a '-'.
std::string FormatSpan(int64_t seconds);
// Minor units as a decimal with two places: 1250 -> "12.50".
std::string FormatCents(int64_t cents);
// Hold or receipt lines [{sku, qty, price_cents?}] as "SKU:QTY SKU:QTY", the form that
// `--line` takes; with a non-zero price, "SKU:QTY@12.50".
std::string FormatLines(const nlohmann::json& lines);

// Below a page the daemon cut short at its limit (the reply's `more`): how many it shows
// and how to ask for the next, "(5 shown; more follow: add --after TEE-5)".
void PrintMoreHint(std::size_t shown, std::string_view last, std::ostream& out);

// `v` as text for a table cell: strings bare, numbers as numbers, null or absent as "-".
std::string Cell(const nlohmann::json& v);
// A boolean as "yes" or "no"; anything else (absent) as "-".
std::string YesNo(const nlohmann::json& v);
// A distance in kilometres with one decimal, "28.4"; "-" when `v` is not a number.
std::string FormatKm(const nlohmann::json& v);

}  // namespace kura::ctl
