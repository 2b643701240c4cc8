#include "plot.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "plural.h"
#include "text_format.h"
#include "workload.h"

namespace kura::sim {
namespace {

using harness::Plural;

constexpr int kWidth = 960, kLeft = 80, kRight = 20, kPlotW = kWidth - kLeft - kRight;
constexpr int kPanel = 240;          // a panel's height
constexpr int kRow = 9, kRowStep = 13;  // a fault timeline row: its bar, and bar plus gap
constexpr std::size_t kStoresShown = 6;
const char* const kColors[kStoresShown] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
const char* const kShade = "#efefef";  // HQ down or cut off, behind both panels

const char* Fill(FaultSpan::Kind kind) {
  switch (kind) {
    case FaultSpan::Kind::kDown: return "#333";
    case FaultSpan::Kind::kCut: return "#aaa";
    case FaultSpan::Kind::kClock: return "#e8a33d";
  }
  return "#000";
}

// Round simulated times for the x axis: the smallest step that fits 8 times at most (up
// to 9 ticks, 0 included).
int64_t TickStep(int64_t t_max) {
  constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
  for (int64_t step : {kMin, 2 * kMin, 5 * kMin, 10 * kMin, 15 * kMin, 30 * kMin, kHour, 2 * kHour, 3 * kHour,
                       6 * kHour, 12 * kHour, kDay, 2 * kDay, 7 * kDay, 14 * kDay, 30 * kDay, 61 * kDay}) {
    if (t_max / step <= 8) return step;
  }
  return 91 * kDay;
}

// "4.8 min", "1.2 days": how far apart the samples are.
std::string Interval(int64_t ms) {
  if (ms < 60'000) return Printf("%.0f s", ms / 1e3);
  if (ms < 3'600'000) return Printf("%.1f min", ms / 6e4);
  if (ms < 86'400'000) return Printf("%.1f h", ms / 3.6e6);
  return Printf("%.1f days", ms / 8.64e7);
}

// "0d06h00m"
std::string TickLabel(int64_t t) {
  std::string full = FormatSimTime(t);
  return full.substr(0, full.find('m') + 1);
}

class PlotWriter {
 public:
  PlotWriter(std::ostringstream& svg, int64_t t_max) : svg_(svg), t_max_(std::max<int64_t>(1, t_max)) {}

  double X(int64_t t) const { return kLeft + static_cast<double>(std::clamp<int64_t>(t, 0, t_max_)) / t_max_ * kPlotW; }

  void Text(double x, double y, const std::string& text, const char* anchor = "start", const char* fill = "#000",
            int size = 12) {
    svg_ << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\" fill=\"" << fill
         << "\" font-size=\"" << size << "\">" << text << "</text>\n";
  }
  void Rect(double x, double y, double w, double h, const char* fill) {
    svg_ << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << std::max(1.0, w) << "\" height=\"" << h
         << "\" fill=\"" << fill << "\"/>\n";
  }
  void Span(const FaultSpan& span, double y, double h, const char* fill) {
    Rect(X(span.from_ms), y, X(span.to_ms) - X(span.from_ms), h, fill);
  }

  // A panel's frame, title, y labels (bottom, middle with a gridline, top) and time ticks.
  void Axes(int y0, const std::string& title, int64_t lo, int64_t hi) {
    Text(kLeft, y0 - 8, title);
    svg_ << "<rect x=\"" << kLeft << "\" y=\"" << y0 << "\" width=\"" << kPlotW << "\" height=\"" << kPanel
         << "\" fill=\"none\" stroke=\"#999\"/>\n";
    Text(kLeft - 6, y0 + 10, std::to_string(hi), "end");
    Text(kLeft - 6, y0 + kPanel, std::to_string(lo), "end");
    if (hi - lo >= 2) {
      int y_mid = y0 + kPanel - static_cast<int>(static_cast<double>((hi - lo) / 2) / (hi - lo) * kPanel);
      svg_ << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + kPlotW << "\" y1=\"" << y_mid << "\" y2=\"" << y_mid
           << "\" stroke=\"#ddd\"/>\n";
      Text(kLeft - 6, y_mid + 4, std::to_string(lo + (hi - lo) / 2), "end");
    }
    Ticks(y0 + kPanel);
  }
  void Ticks(int y) {
    int64_t step = TickStep(t_max_);
    for (int64_t t = 0; t <= t_max_; t += step) {
      svg_ << "<line x1=\"" << X(t) << "\" x2=\"" << X(t) << "\" y1=\"" << y << "\" y2=\"" << y + 4
           << "\" stroke=\"#999\"/>\n";
      // The ends' labels inside the page.
      Text(X(t), y + 15, TickLabel(t), t == 0 ? "start" : t + step > t_max_ && X(t) > kLeft + kPlotW - 30 ? "end" : "middle",
           "#000", 11);
    }
  }

  // The line of `value` over the samples, broken wherever it is not known.
  using Value = std::function<std::optional<int64_t>(const Sample&)>;
  void Line(const std::vector<Sample>& samples, int y0, int64_t lo, int64_t hi, const char* color,
            const Value& value) {
    double span = std::max<double>(1, hi - lo);
    std::vector<std::pair<double, double>> run;  // the points since the last gap
    auto draw = [&] {
      if (run.size() == 1) {  // a lone known sample: a dot, as a line of one point shows nothing
        svg_ << "<circle cx=\"" << run[0].first << "\" cy=\"" << run[0].second << "\" r=\"1.5\" fill=\"" << color
             << "\"/>\n";
      } else if (run.size() > 1) {
        svg_ << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.3\" points=\"";
        for (const auto& [x, y] : run) svg_ << x << "," << y << " ";
        svg_ << "\"/>\n";
      }
      run.clear();
    };
    for (const Sample& s : samples) {
      std::optional<int64_t> v = value(s);
      if (!v) {
        draw();
        continue;
      }
      run.emplace_back(X(s.at_ms), y0 + kPanel - (static_cast<double>(*v) - lo) / span * kPanel);
    }
    draw();
  }

 private:
  std::ostringstream& svg_;
  int64_t t_max_;
};

bool HqUnreachable(const FaultSpan& span) { return span.node < 0 && span.kind != FaultSpan::Kind::kClock; }

}  // namespace

std::string PlotSvg(const SimOptions& o, const RunResult& run) {
  const int64_t t_max = static_cast<int64_t>(o.days * 86'400'000);
  const std::size_t shown = std::min(kStoresShown, run.store_ids.size());
  const int lag_top = 70;
  const int strip_top = lag_top + kPanel + 52;
  const bool others = run.store_ids.size() > shown;  // a row for the stores without a line
  const int strip_rows = 1 + static_cast<int>(shown) + (others ? 1 : 0);
  const int atp_top = strip_top + strip_rows * kRowStep + 44;
  const int height = atp_top + kPanel + 44;
  std::ostringstream svg;
  PlotWriter w(svg, t_max);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  w.Text(kLeft, 20,
         "kura-sim seed " + std::to_string(run.seed) + ", strategy " + run.strategy + ": " +
             Plural(o.stores, "store") + " x " + Plural(o.skus, "SKU") +
             Printf(" over %g simulated %s", o.days, o.days == 1 ? "day" : "days") + ", trace " +
             Printf("%016llx", static_cast<unsigned long long>(run.trace_hash)),
         "start", "#000", 15);
  w.Text(kLeft, 38,
         Printf("sampled every %s; a gap: not known then (a node it needs was down); shaded: HQ down or cut off",
                Interval(run.samples.size() > 1 ? run.samples[1].at_ms : t_max).c_str()),
         "start", "#555", 11);
  if (run.samples.empty()) return svg.str() + "</svg>\n";

  for (int y0 : {lag_top, atp_top}) {
    for (const FaultSpan& span : run.fault_spans) {
      if (HqUnreachable(span)) w.Span(span, y0, kPanel, kShade);
    }
  }

  // Sync lag, with the largest of any store's behind the first six's.
  int64_t lag_max = 1;
  std::string peak_store;
  int64_t peak_at = 0;
  for (const Sample& s : run.samples) {
    for (std::size_t i = 0; i < s.lag.size(); ++i) {
      if (s.lag[i] && *s.lag[i] > lag_max) {
        lag_max = *s.lag[i];
        peak_store = i < run.store_ids.size() ? run.store_ids[i] : "";
        peak_at = s.at_ms;
      }
    }
  }
  for (const Sample& s : run.samples) lag_max = std::max(lag_max, s.largest_lag.value_or(0));  // a down store's too
  std::string peak = peak_store.empty() ? "" : ", its peak " + peak_store + "'s at " + TickLabel(peak_at);
  w.Axes(lag_top, "sync lag: components a store holds that HQ does not yet (grey: the largest of any store's" + peak + ")",
         0, lag_max);
  w.Line(run.samples, lag_top, 0, lag_max, "#bbb", [](const Sample& s) { return s.largest_lag; });
  for (std::size_t i = 0; i < shown; ++i) {
    w.Line(run.samples, lag_top, 0, lag_max, kColors[i], [i](const Sample& s) { return s.lag[i]; });
    w.Text(kLeft + 10 + 110 * i, lag_top + 18, run.store_ids[i], "start", kColors[i]);
  }

  // The fault timeline: HQ's row, then each shown store's.
  svg << "<text x=\"" << kLeft << "\" y=\"" << strip_top - 8 << "\">faults: "
      << "<tspan fill=\"" << Fill(FaultSpan::Kind::kDown) << "\">&#9632; down</tspan>  "
      << "<tspan fill=\"" << Fill(FaultSpan::Kind::kCut) << "\">&#9632; cut off from HQ</tspan>  "
      << "<tspan fill=\"" << Fill(FaultSpan::Kind::kClock) << "\">&#9632; clock skewed or jumped</tspan></text>\n";
  for (int row = 0; row < strip_rows; ++row) {
    int y = strip_top + row * kRowStep;
    int node = row - 1;  // -1: HQ; `shown`: every store without a line
    bool rest = node == static_cast<int>(shown);
    w.Text(kLeft - 6, y + kRow - 1,
           node < 0 ? "hq" : rest ? Plural(static_cast<int64_t>(run.store_ids.size() - shown), "other") : run.store_ids[node],
           "end", node < 0 || rest ? "#000" : kColors[node], 10);
    w.Rect(kLeft, y, kPlotW, kRow, "#f7f7f7");
    for (const FaultSpan& span : run.fault_spans) {
      if (span.node == node || (rest && span.node >= node)) w.Span(span, y, kRow, Fill(span.kind));
    }
  }
  w.Ticks(strip_top + strip_rows * kRowStep - (kRowStep - kRow));

  // ATP of the busiest SKU at the first store, as the store and HQ saw it.
  int64_t lo = 0, hi = 1;
  for (const Sample& s : run.samples) {
    for (const auto& v : {s.atp_store, s.atp_hq}) {
      if (v) {
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
    }
  }
  std::string where = Workload::Sku(0) + " at " + (run.store_ids.empty() ? "the first store" : run.store_ids[0]);
  w.Axes(atp_top, "ATP (on hand - held, as hq.stock gives it) of " + where + ": the store's view (blue), HQ's (orange)",
         lo, hi);
  w.Line(run.samples, atp_top, lo, hi, kColors[0], [](const Sample& s) { return s.atp_store; });
  w.Line(run.samples, atp_top, lo, hi, kColors[1], [](const Sample& s) { return s.atp_hq; });
  w.Text(kLeft + kPlotW / 2.0, atp_top + kPanel + 34, "simulated time (days, hours, minutes)", "middle", "#555", 11);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace kura::sim
