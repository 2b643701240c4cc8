#include "zap_authenticator.h"

#include <chrono>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "curve_keys.h"

namespace kura {
namespace {

constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";
constexpr char kZapVersion[] = "1.0";
// How often the handler thread looks at its stop flag.
constexpr auto kStopCheck = std::chrono::milliseconds(100);
constexpr int64_t kRefusalLogIntervalMs = 10'000;
// Bounds the per-key log throttle against a client cycling through fresh keys.
constexpr std::size_t kMaxThrottledKeys = 1024;

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<ZapAuthenticator::BinaryAllowList> ZapAuthenticator::Decode(const AllowList& allow_list) {
  BinaryAllowList out;
  for (const auto& [public_z85, store_id] : allow_list) {
    auto key = DecodeCurveKey(public_z85, "allow-list key for store " + store_id);
    if (!key.ok()) return key.status();
    KURA_RETURN_IF_ERROR(RefusePublishedKey(public_z85, "allow-list key for store " + store_id));
    if (store_id.empty()) {
      return Status::InvalidArgument("allow-list key " + KeyForLog(public_z85) +
                                     " has an empty store id");
    }
    out.emplace(std::move(key).value(), store_id);
  }
  return out;
}

Result<std::unique_ptr<ZapAuthenticator>> ZapAuthenticator::Start(zmq::context_t& context,
                                                                   AllowList allow_list) {
  KURA_ASSIGN_OR_RETURN(auto allow, Decode(allow_list));
  zmq::socket_t socket;
  try {
    socket = zmq::socket_t(context, zmq::socket_type::rep);
    socket.set(zmq::sockopt::linger, 0);
    socket.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    if (e.num() == EADDRINUSE) {
      return Status::Busy("this ZeroMQ context already has a ZAP handler");
    }
    return Status::IOError(std::string("cannot start the ZAP handler: ") + e.what());
  }
  std::unique_ptr<ZapAuthenticator> auth(new ZapAuthenticator());
  auth->allow_ = std::move(allow);
  auth->running_ = true;
  // The socket moves to the handler thread; starting the thread is the memory barrier
  // libzmq asks for when a socket changes threads.
  auth->thread_ = std::thread(&ZapAuthenticator::Run, auth.get(), std::move(socket));
  spdlog::info("event=zap_started stores={}", allow_list.size());
  return auth;
}

ZapAuthenticator::~ZapAuthenticator() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status ZapAuthenticator::SetAllowList(const AllowList& allow_list) {
  KURA_ASSIGN_OR_RETURN(auto allow, Decode(allow_list));
  std::lock_guard<std::mutex> lock(mu_);
  allow_ = std::move(allow);
  return Status::Ok();
}

std::string ZapAuthenticator::StoreOf(std::string_view public_z85) const {
  auto key = DecodeCurveKey(public_z85, "connection key");
  if (!key.ok()) return "";
  std::lock_guard<std::mutex> lock(mu_);
  auto it = allow_.find(*key);
  return it == allow_.end() ? "" : it->second;
}

void ZapAuthenticator::Run(zmq::socket_t socket) {
  zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
  std::vector<std::string> reply;
  while (!stop_.load()) {
    try {
      zmq::poll(items, 1, kStopCheck);
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> request;
      if (!zmq::recv_multipart(socket, std::back_inserter(request), zmq::recv_flags::dontwait)) {
        continue;
      }
      Answer(request, &reply);
      for (std::size_t i = 0; i < reply.size(); ++i) {
        auto flags = i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
        (void)socket.send(zmq::buffer(reply[i]), flags);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      // ETERM: the context is shutting down and this socket must close for it to finish.
      if (e.num() != ETERM) spdlog::error("event=zap_failed error=\"{}\"", e.what());
      break;
    }
  }
  running_ = false;
}

void ZapAuthenticator::Answer(const std::vector<zmq::message_t>& request,
                              std::vector<std::string>* reply) {
  // Request: version, request id, domain, address, routing id, mechanism, credentials...
  auto frame = [&](std::size_t i) { return i < request.size() ? request[i].to_string() : ""; };
  std::string request_id = frame(1), address = frame(3), mechanism = frame(5);
  auto answer = [&](const char* code, const char* text, std::string user_id) {
    *reply = {kZapVersion, request_id, code, text, std::move(user_id), ""};
  };
  if (request.size() < 6 || frame(0) != kZapVersion) {
    ++refused_;
    spdlog::warn("event=sync_peer_refused reason=bad_zap_request frames={}", request.size());
    return answer("500", "malformed ZAP request", "");
  }
  if (frame(2) != kSyncZapDomain) {
    ++refused_;
    LogRefusal("", address, "domain");
    return answer("400", "unknown ZAP domain", "");
  }
  if (mechanism != "CURVE" || request.size() != 7 || request[6].size() != kCurveKeyBytes) {
    ++refused_;
    LogRefusal("", address, "mechanism");
    return answer("400", "CURVE required", "");
  }
  std::string key = request[6].to_string();
  std::string store_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = allow_.find(key);
    if (it != allow_.end()) store_id = it->second;
  }
  if (store_id.empty()) {
    ++refused_;
    LogRefusal(key, address, "not_listed");
    return answer("400", "key not on the allow-list", "");
  }
  ++accepted_;
  std::string public_z85 = EncodeCurveKey(key);
  spdlog::info("event=sync_peer_accepted store_id={} key={} address={}", store_id,
               KeyForLog(public_z85), address);
  // The key, not the store id: SyncHub looks the store up at every message (StoreOf).
  answer("200", "OK", std::move(public_z85));
}

void ZapAuthenticator::LogRefusal(const std::string& key, const std::string& address,
                                  const std::string& reason) {
  int64_t now = SteadyMillis();
  auto it = refusal_logged_ms_.find(key);
  if (it != refusal_logged_ms_.end() && now - it->second < kRefusalLogIntervalMs) return;
  if (refusal_logged_ms_.size() >= kMaxThrottledKeys) refusal_logged_ms_.clear();
  refusal_logged_ms_[key] = now;
  spdlog::warn("event=sync_peer_refused key={} address={} reason={} refused_total={}",
               key.empty() ? "-" : KeyForLog(EncodeCurveKey(key)), address, reason,
               refused_.load());
}

}  // namespace kura
