#include "world.h"

// How requests reach the nodes: executed, traced and recorded in the ledger, run again
// when a till retries one, or owed to a store until it is back up.
namespace kura::sim {

using nlohmann::json;

namespace {

// A reply, short enough for a violation's line: its error, or the start of its value.
std::string Describe(const std::string& bytes) {
  auto reply = DecodeReply(bytes);
  if (!reply.ok()) return reply.status().ToString();
  std::string value = reply->dump();
  return value.size() > 160 ? value.substr(0, 160) + "..." : value;
}

}  // namespace

Result<json> World::Read(SimNode& node, const std::string& op, const json& args) {
  node.SetTime(now());
  return DecodeReply(node.Execute(op, "", args));
}

Result<json> World::Call(SimNode& node, const std::string& op, const std::string& rid,
                         const json& args) {
  node.SetTime(now());
  auto reply = Record(node, ApiRequest{op, rid, args}, node.Execute(op, rid, args));
  CheckMadeNow(node, op, rid, reply);
  return reply;
}

Result<json> World::Call(int node_index, const std::string& op, const std::string& rid, const json& args,
                         int64_t again_after_ms) {
  SimNode& node = *Node(node_index);
  node.SetTime(now());
  auto reply = RecordAndRepeat(node_index, ApiRequest{op, rid, args}, node.Execute(op, rid, args), again_after_ms);
  CheckMadeNow(node, op, rid, reply);
  return reply;
}

void World::CheckMadeNow(SimNode& node, const std::string& op, const std::string& rid, const Result<json>& reply) {
  // Every hold.create the world sends a store carries a request id new to it (a client's
  // retry goes through Redo), so the reply is the store's now, never one it stored before.
  if (op != "hold.create" || node.hq() || !reply.ok()) return;
  int64_t now_ms = node.LocalNow();
  if (std::string other = HoldMadeOutside(reply.value(), now_ms, now_ms); !other.empty()) {
    Violation(node.id() + " " + rid + ": " + other);
  }
}

std::string World::CallFromHq(int store, const ApiRequest& request) {
  SimNode& node = *stores_[store];
  node.SetTime(now());
  std::string reply = node.ExecuteCall(request);
  trace().Mix(reply);
  auto decoded = DecodeReply(reply);
  trace().Add(now(), node.id() + " " + request.op + " " + request.rid + " for hq -> " +
                         (decoded.ok() ? "ok" : std::string(Status::CodeName(decoded.status().code()))));
  Poke(node, store);
  return reply;
}

Result<json> World::DecideRouted(const ApiRequest& order, const RoutedDecision& decision, int64_t again_after_ms) {
  hq_->SetTime(now());
  return RecordAndRepeat(-1, order, hq_->ExecuteRouted(order, decision), again_after_ms);
}

Result<json> World::RecordAndRepeat(int node_index, const ApiRequest& request, const std::string& first,
                                    int64_t again_after_ms) {
  auto reply = Record(*Node(node_index), request, first);
  if (again_after_ms < 0) return reply;
  ++repeats_queued_[Slot(node_index)];
  AtNode(node_index, now() + again_after_ms,
         [this, node_index, request, first] { Redo(node_index, request, first, /*seen=*/true); });
  return reply;
}

void World::Redo(int node_index, const ApiRequest& request, const std::string& first, bool seen) {
  SimNode& node = *Node(node_index);
  if (!node.up()) {
    ++repeats_node_down_[Slot(node_index)];  // the client gave up while the node was down
    return;
  }
  node.SetTime(now());
  std::string again = node.Execute(request.op, request.rid, request.args);
  if (seen) {
    trace().Mix(again);
    trace().Add(now(), node.id() + " " + request.op + " " + request.rid + " again");
  } else {
    (void)Record(node, request, again);  // the answer the client learns
  }
  if (again != first) {
    return Violation(node.id() + " answered " + request.op + " " + request.rid + " again differently: first " +
                     Describe(first) + ", then " + Describe(again));
  }
  ++repeats_answered_[Slot(node_index)];
}

void World::CallGroup(int store, const std::vector<ApiRequest>& requests) {
  SimNode& node = *stores_[store];
  node.SetTime(now());
  std::vector<std::string> replies = node.ExecuteGroup(requests);
  for (std::size_t k = 0; k < requests.size(); ++k) {
    auto reply = Record(node, requests[k], replies[k]);
    if (!reply.ok() && reply.status().code() == Status::Code::kIOError) {
      return Violation(node.id() + " " + requests[k].op + ": " + reply.status().ToString());
    }
  }
}

Result<json> World::Record(SimNode& node, const ApiRequest& request, const std::string& bytes) {
  const auto& [op, rid, args] = request;
  trace().Mix(bytes);
  auto reply = DecodeReply(bytes);
  trace().Add(now(), node.id() + " " + op + " " + rid + " " + args.dump() + " -> " +
                         (reply.ok() ? "ok" : std::string(Status::CodeName(reply.status().code()))));
  if (!reply.ok()) {
    // Only a store getting its data back answers busy here, and nothing is sent to one.
    if (reply.status().code() == Status::Code::kBusy) {
      Violation(node.id() + " " + op + " " + rid + ": " + reply.status().ToString());
    }
    return reply;
  }
  // The ledger and the checks take a hold's lines from the reply: they must be those asked,
  // as must the hold's kind, customer and lifetime; and a sale must not have taken promised
  // units unasked.
  if (std::string other = ReplyUnlikeAsked(op, args, *reply); !other.empty()) {
    Violation(node.id() + " " + rid + ": " + other);
  }
  // A hold move Apply finds illegal is not raised here: a retried request's stored reply
  // (Redo) can be older than a state seen since; the checks judge moves from the replicas.
  if (!node.hq()) {
    (void)ledger_.Apply(node.index(), op, args, *reply);
    Poke(node, node.index());
  } else if (op == "hq.order.place") {
    // Only between windows (Strategy::PlaceUnreachable): store i's ledger belongs to its lane.
    std::string store = (*reply)["store"].get<std::string>();
    int i = std::stoi(store.substr(store.rfind('-') + 1));
    (void)ledger_.Apply(i, op, args, *reply);
    Poke(node, i);
  }
  return reply;
}

void World::RunOwed(int i) {
  std::vector<OwedRequest> owed;
  owed.swap(pending_[i]);
  for (const auto& [request, first] : owed) {
    if (first.empty()) CallEventually(i, request.op, request.rid, request.args);
    else Redo(i, request, first, /*seen=*/false);
  }
}

void World::CallEventually(int store, const std::string& op, const std::string& rid,
                           const json& args) {
  // A store getting its data back refuses writes: the request waits until it is whole.
  if (stores_[store]->takes_writes()) {
    auto reply = Call(*stores_[store], op, rid, args);
    if (!reply.ok() && reply.status().code() == Status::Code::kIOError) {
      Violation(stores_[store]->id() + " " + op + ": " + reply.status().ToString());
    }
    return;
  }
  pending_[store].push_back(OwedRequest{ApiRequest{op, rid, args}, ""});
}

}  // namespace kura::sim
