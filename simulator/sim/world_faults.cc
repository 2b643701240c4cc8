#include "world.h"

// How the world breaks and heals: crashes and restarts, cut links, shifted clocks, and
// the final heal, after which the checks expect every replica equal.
namespace kura::sim {

using nlohmann::json;

void World::RestartStore(int i) {
  SimNode& node = *stores_[i];
  if (node.up()) return;
  node.SetTime(now());
  Status s = node.Open({hq_->id()});
  if (!s.ok()) return Violation(node.id() + " failed to restart: " + s.ToString());
  trace().Add(now(), node.id() + (node.restoring() ? " restarted, waiting for hq's data" : " restarted"));
  if (!node.restoring()) RunOwed(i);
  node.session(hq_->id())->Start(node.LocalNow());
  Flush(node, i);
  LinkUp(i);
}

void World::RestartHq() {
  if (hq_->up()) return;
  hq_->SetTime(now());
  Status s = hq_->Open(result_.store_ids);
  if (!s.ok()) return Violation("hq failed to restart: " + s.ToString());
  trace().Add(now(), "hq restarted");
  for (int i = 0; i < stores(); ++i) {
    hq_->session(stores_[i]->id())->Start(hq_->LocalNow());
    Flush(*hq_, i);
    LinkUp(i);
  }
}

void World::CrashStore(int i, int64_t down_ms, bool in_flight, bool applied) {
  SimNode& node = *stores_[i];
  if (!node.up() || healed_) return;
  ++result_.crashes;
  std::string line = node.id() + " CRASH for " + FormatSimTime(down_ms);
  // A store getting its data back refuses writes: its tills wait (TakesTills).
  if (in_flight && TakesTills(i)) {
    // A till's request was on its way: it may or may not have been applied, and the till
    // retries it with the same request id once the store is back.
    ApiRequest request{"stock.receive", "crash-" + std::to_string(result_.crashes),
                       {{"sku", Workload::Sku(0)}, {"qty", 5}}};
    std::string first;
    if (applied) {
      node.SetTime(now());
      first = node.Execute(request.op, request.rid, request.args);
    }
    line += " (request " + request.rid + (applied ? " applied, reply lost)" : " lost)");
    if (applied) ++repeats_queued_[i];
    pending_[i].push_back(OwedRequest{std::move(request), std::move(first)});
  }
  trace().Add(now(), line);
  node.Crash();
  Span(i, FaultSpan::Kind::kDown, down_ms);
  world_queue_.At(now() + down_ms, [this, i] { RestartStore(i); });
}

void World::CrashHq(int64_t down_ms) {
  if (!hq_->up() || healed_) return;
  ++result_.crashes;
  trace().Add(now(), "hq CRASH for " + FormatSimTime(down_ms));
  hq_->Crash();
  Span(-1, FaultSpan::Kind::kDown, down_ms);
  world_queue_.At(now() + down_ms, [this] { RestartHq(); });
}

void World::CutStores(const std::vector<int>& cut, int64_t for_ms) {
  if (healed_) return;
  ++result_.partitions;  // one partition, however many stores it cuts off
  for (int i : cut) {
    trace().Add(now(), stores_[i]->id() + " PARTITIONED for " + FormatSimTime(for_ms));
    net_.CutStore(i);
    Span(i, FaultSpan::Kind::kCut, for_ms);
    world_queue_.At(now() + for_ms, [this, i] {
      net_.HealStore(i);
      trace().Add(now(), stores_[i]->id() + " link healed");
      LinkUp(i);
    });
  }
}

void World::CutHq(int64_t for_ms) {
  if (healed_) return;
  ++result_.partitions;
  trace().Add(now(), "hq PARTITIONED for " + FormatSimTime(for_ms));
  net_.CutHq();
  Span(-1, FaultSpan::Kind::kCut, for_ms);
  world_queue_.At(now() + for_ms, [this] {
    net_.HealHq();
    trace().Add(now(), "hq link healed");
    for (int i = 0; i < stores(); ++i) LinkUp(i);
  });
}

void World::ShiftClock(int i, int64_t offset_ms, bool jump, int64_t for_ms) {
  if (healed_) return;
  ++result_.clock_faults;
  SimNode& node = *stores_[i];
  node.offset_ms = jump ? node.offset_ms + offset_ms : offset_ms;
  trace().Add(now(), node.id() + (jump ? " CLOCK JUMP " : " CLOCK SKEW ") + std::to_string(offset_ms) +
                         " ms for " + FormatSimTime(for_ms));
  Span(i, FaultSpan::Kind::kClock, for_ms);
  world_queue_.At(now() + for_ms, [this, i] {
    stores_[i]->offset_ms = 0;
    // That puts right any other shift of this clock still under way, too: its span ends.
    for (FaultSpan& span : result_.fault_spans) {
      if (span.node == i && span.kind == FaultSpan::Kind::kClock && span.to_ms > now()) span.to_ms = now();
    }
  });
}

void World::Span(int node, FaultSpan::Kind kind, int64_t for_ms) {
  // The final heal ends every fault: a node down then restarts, a clock is put right.
  result_.fault_spans.push_back(FaultSpan{node, kind, now(), std::min(now() + for_ms, duration_ms_)});
}

void World::FinalHeal() {
  trace().Add(now(), "FINAL HEAL: links healed, nodes restarted, clocks corrected");
  healed_ = true;
  result_.final_heal_ms = now();
  net_.HealAll();
  for (auto& node : stores_) node->offset_ms = 0;
  for (int i = 0; i < stores(); ++i) {
    if (draining_[i]) CallOffReplacement(i, "the final heal came first");
  }
  RestartHq();
  for (int i = 0; i < stores(); ++i) RestartStore(i);
  for (int i = 0; i < stores(); ++i) LinkUp(i);
}

}  // namespace kura::sim
