#include "raw_limits.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "closed_loop.h"

namespace kura::bench {
namespace {

// About the size of a stock.receive request on the wire: the echo's message.
constexpr std::size_t kPayloadBytes = 100;
constexpr int kZmqReplyTimeoutMs = 5000;
constexpr int kWarmUpWrites = 10;

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  return s.ok() ? Status::Ok() : Status::IOError(context + ": " + s.ToString());
}

// The ROUTER side of the ZeroMQ measurement: echoes every message to its sender until
// stopped. Owns its thread; the socket lives and dies on that thread.
class EchoServer {
 public:
  EchoServer(zmq::context_t& context, const std::string& endpoint) : socket_(context, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(endpoint);  // throws zmq::error_t; caught by the caller
    bound_ = socket_.get(zmq::sockopt::last_endpoint);
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  ~EchoServer() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  void Start() { thread_ = std::thread([this] { Loop(); }); }
  // The endpoint actually bound (a tcp "*" port resolved), for clients to connect to.
  const std::string& bound() const { return bound_; }

 private:
  void Loop() {
    zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      while (!stop_.load()) {
        zmq::poll(items, 1, std::chrono::milliseconds(50));
        if (!(items[0].revents & ZMQ_POLLIN)) continue;
        zmq::message_t identity, body;
        if (!socket_.recv(identity, zmq::recv_flags::dontwait)) continue;
        if (!socket_.recv(body, zmq::recv_flags::none)) continue;
        socket_.send(identity, zmq::send_flags::sndmore);
        socket_.send(body, zmq::send_flags::none);
      }
    } catch (const zmq::error_t&) {
      // The client side times out and reports the failure.
    }
    socket_.close();
  }

  zmq::socket_t socket_;
  std::string bound_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

Result<PhaseSummary> MeasureSyncedWrites(const std::string& db_dir, int writers, double seconds,
                                         int puts_per_batch, std::size_t put_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  KURA_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, db_dir, &raw), "opening " + db_dir));
  std::unique_ptr<rocksdb::DB> db(raw);

  const std::string value(put_bytes > kRawKeyBytes ? put_bytes - kRawKeyBytes : 0, 'v');
  Result<PhaseSummary> summary = RunClosedLoop(writers, seconds, [&](int index) -> Result<Operation> {
    auto n = std::make_shared<uint64_t>(0);
    Operation write = [&db, &value, index, n, puts_per_batch]() -> Status {
      rocksdb::WriteBatch batch;
      for (int i = 0; i < puts_per_batch; ++i) {
        char key[32];  // the key written is kRawKeyBytes long
        std::snprintf(key, sizeof key, "w%02d-%012llu", index, static_cast<unsigned long long>((*n)++));
        if (auto s = batch.Put(key, value); !s.ok()) return FromRocks(s, "batch put");
      }
      rocksdb::WriteOptions wo;
      wo.sync = true;
      return FromRocks(db->Write(wo, &batch), "synced write");
    };
    // The first writes of a fresh DB also create and preallocate its WAL; keep them out.
    for (int i = 0; i < kWarmUpWrites; ++i) KURA_RETURN_IF_ERROR(write());
    return write;
  });
  KURA_RETURN_IF_ERROR(FromRocks(db->Close(), "closing " + db_dir));
  return summary;
}

Result<PhaseSummary> MeasureZmqRoundTrip(zmq::context_t& context, const std::string& bind_endpoint,
                                         double seconds) {
  std::unique_ptr<EchoServer> server;
  try {
    server = std::make_unique<EchoServer>(context, bind_endpoint);
  } catch (const zmq::error_t& e) {
    return Status::IOError("cannot bind " + bind_endpoint + ": " + e.what());
  }
  server->Start();
  const std::string endpoint = server->bound();
  return RunClosedLoop(1, seconds, [&](int) -> Result<Operation> {
    auto socket = std::make_shared<zmq::socket_t>(context, zmq::socket_type::dealer);
    auto request = std::make_shared<std::string>(kPayloadBytes, 'r');
    try {
      socket->set(zmq::sockopt::linger, 0);
      socket->set(zmq::sockopt::rcvtimeo, kZmqReplyTimeoutMs);
      socket->connect(endpoint);
    } catch (const zmq::error_t& e) {
      return Status::IOError("cannot connect to " + endpoint + ": " + e.what());
    }
    Operation round_trip = [socket, request, endpoint]() -> Status {
      try {
        socket->send(zmq::buffer(*request), zmq::send_flags::none);
        zmq::message_t reply;
        if (!socket->recv(reply, zmq::recv_flags::none)) {
          return Status::IOError("no echo from " + endpoint + " within 5 s");
        }
        return Status::Ok();
      } catch (const zmq::error_t& e) {
        return Status::IOError(std::string("zmq round trip: ") + e.what());
      }
    };
    // The first round trip waits for the connection; it is not part of the measurement.
    KURA_RETURN_IF_ERROR(round_trip());
    return round_trip;
  });
}

}  // namespace kura::bench
