// LinkRelay: a byte-for-byte TCP relay between each store and HQ's sync port, so
// kura-sim's multi-process mode can cut a store's link while both daemons keep running,
// the way a failed shop router does. The relay only moves bytes: CURVE runs end to end
// between the daemons, so it sees ciphertext and cannot forge or read anything.
//
// One listening port per link on 127.0.0.1; each accepted connection gets its own
// connection to the target. Cut(link) closes the link's connections and its listening
// port until Restore(link) opens that same port again: the daemon sees its connection end
// and every redial refused, as with a dead route, and redials as usual (ZeroMQ's
// reconnect interval) once restored. While the target itself is down (a connection to it
// refused) every listening port is closed too, so a store meets a dead HQ as it would
// without the relay: refused, not accepted and dropped (which ZeroMQ reports as a failed
// handshake). A half-close ends the whole relayed connection; ZMTP never half-closes.
//
// Thread safety: one internal thread moves the bytes; Cut, Restore and the accessors may
// be called from any thread. Cut and Restore return once the relay acts on them.
#pragma once

#include <netinet/in.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kura/schema/status.h"

namespace kura::sim {

// 127.0.0.1:port as a socket address.
sockaddr_in LoopbackAddress(int port);

class LinkRelay {
 public:
  // Opens `links` listening ports that relay to `target_port` on 127.0.0.1.
  static Result<std::unique_ptr<LinkRelay>> Start(int target_port, int links);
  ~LinkRelay();  // closes every connection and listener
  LinkRelay(const LinkRelay&) = delete;
  LinkRelay& operator=(const LinkRelay&) = delete;

  // "tcp://127.0.0.1:PORT": where link `i`'s end should connect instead of the target.
  std::string endpoint(int link) const;
  // IOError when the relay thread has failed (its links are all down then).
  Status Cut(int link);
  Status Restore(int link);
  bool cut(int link) const;
  // Connections accepted and relayed for `link` so far.
  int64_t connections(int link) const;

 private:
  struct Link {
    int listener = -1;        // the relay thread's; -1 while cut or the target is down
    int port = 0;
    bool cut = false;         // under mu_
    int64_t connections = 0;  // under mu_
  };
  // One relayed connection: end 0 is the link's side (a store), end 1 the target's (HQ).
  // pending[d] holds bytes read for direction d (0: towards the target) not yet written.
  struct Pipe {
    int link = 0;
    int fd[2] = {-1, -1};
    std::string pending[2];
    ~Pipe();
  };

  explicit LinkRelay(int target_port) : target_port_(target_port) {}
  Status Open(int links);
  void Loop();
  // Makes the relay match what was asked and what the last probe found: cut links' pipes
  // gone, listeners open exactly where neither the link is cut nor the target down. False while a listener that
  // should be open could not be (its port is busy): retry soon.
  bool Reconcile();
  void Accept(int link);
  // Whether the pipe still stands after moving what it can in direction `up`.
  bool Pump(Pipe& pipe, bool up);
  // Whether the target accepts connections; false marks it down.
  bool ProbeTarget();
  Status Request(int link, bool cut);
  void Wake();

  const int target_port_;
  std::vector<Link> links_;
  std::vector<std::unique_ptr<Pipe>> pipes_;  // the relay thread's alone
  bool target_down_ = false;                  // the relay thread's alone
  int wake_[2] = {-1, -1};                    // self-pipe: a request or stop to look at
  mutable std::mutex mu_;
  std::condition_variable changed_;
  uint64_t requested_ = 0, applied_ = 0;  // Cut/Restore generations, under mu_
  bool stopping_ = false;                 // under mu_
  std::string failure_;                   // why the relay thread stopped, under mu_
  std::thread thread_;
};

}  // namespace kura::sim
