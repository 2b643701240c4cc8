#include "output.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "kura/schema/utc_time.h"

namespace kura::ctl {

void Table::Print(std::ostream& out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) width[c] = columns_[c].header.size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < columns_.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](auto cell_of) {
    std::string line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      std::string pad(width[c] - cell.size(), ' ');
      if (c > 0) line += "  ";
      line += columns_[c].align == Align::kRight ? pad + cell : cell + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  };
  print_row([&](std::size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_) print_row([&](std::size_t c) -> const std::string& { return row[c]; });
}

void PrintFields(const Fields& fields, std::ostream& out) {
  std::size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, label.size());
  for (const auto& [label, value] : fields) {
    out << label << std::string(width - label.size() + 2, ' ') << value << '\n';
  }
}

// Text that is not UTF-8 (an argument echoed in an error) is shown with U+FFFD for the bad
// bytes rather than throwing: the output stays one JSON document.
void PrintJson(const nlohmann::json& doc, std::ostream& out) {
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void PrintError(std::string_view code, std::string_view message, bool json_too, std::ostream& out,
                std::ostream& err) {
  err << "kuractl: " << code << ": " << message << '\n';
  if (json_too) {
    PrintJson({{"error", {{"code", code}, {"message", message}}}}, out);
  }
}

std::string FormatUtc(int64_t ms) { return ms == 0 ? "-" : FormatUtcMillis(ms, "%Y-%m-%d %H:%M"); }

std::string FormatUtcSeconds(int64_t ms) {
  return ms == 0 ? "-" : FormatUtcMillis(ms, "%Y-%m-%d %H:%M:%S UTC");
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatAgo(int64_t ms, int64_t now_ms) {
  if (ms == 0) return "never";
  return FormatSpan(std::max<int64_t>(0, (now_ms - ms) / 1000)) + " ago";
}

std::string FormatSpan(int64_t seconds) {
  std::string sign = seconds < 0 ? "-" : "";
  int64_t s = seconds < 0 ? -seconds : seconds;
  auto two = [](int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  if (s >= 86400) return sign + std::to_string(s / 86400) + "d " + two(s % 86400 / 3600) + "h";
  if (s >= 3600) return sign + std::to_string(s / 3600) + "h " + two(s % 3600 / 60) + "m";
  if (s >= 60) return sign + std::to_string(s / 60) + "m " + two(s % 60) + "s";
  return sign + std::to_string(s) + "s";
}

std::string FormatCents(int64_t cents) {
  std::string sign = cents < 0 ? "-" : "";
  int64_t c = cents < 0 ? -cents : cents;
  std::string frac = std::to_string(c % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return sign + std::to_string(c / 100) + "." + frac;
}

std::string FormatLines(const nlohmann::json& lines) {
  std::string out;
  if (!lines.is_array()) return "-";
  for (const auto& line : lines) {
    if (!out.empty()) out += ' ';
    out += Cell(line.value("sku", nlohmann::json())) + ":" + Cell(line.value("qty", nlohmann::json()));
    // A price of 0 is what the daemon records when none was given (and for collections).
    if (line.contains("price_cents") && line["price_cents"].is_number_integer() &&
        line["price_cents"].get<int64_t>() != 0) {
      out += "@" + FormatCents(line["price_cents"].get<int64_t>());
    }
  }
  return out.empty() ? "-" : out;
}

std::string Cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string YesNo(const nlohmann::json& v) { return v.is_boolean() ? (v.get<bool>() ? "yes" : "no") : "-"; }

std::string FormatKm(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v.get<double>());
  return text;
}

void PrintMoreHint(std::size_t shown, std::string_view last, std::ostream& out) {
  out << "(" << shown << " shown; more follow: add --after " << last << ")\n";
}

}  // namespace kura::ctl
