// CpuMeter: how busy the machine's CPUs were during an interval (/proc/stat) and how much
// of that was kura-bench itself (its process and its reaped children, the daemon among
// them). The rest is other work sharing the machine, such as compiles, which slows every
// figure of the run; the report warns when there was much of it. Not thread-safe.
#pragma once

namespace kura::bench {

struct CpuUsage {
  int cpus = 0;             // online CPUs
  double seconds = 0;       // wall time of the interval
  double busy_cpus = 0;     // average CPUs busy, whoever used them
  double own_cpus = 0;      // average CPUs used by kura-bench and its reaped children
  double other_cpus = 0;    // busy_cpus - own_cpus, at least 0
};

// CPU time (user + system, all threads) this process has used so far, in seconds.
double ProcessCpuSeconds();

class CpuMeter {
 public:
  CpuMeter();  // starts the interval

  // Usage from construction until now. Children count once reaped, so read after the
  // daemon has been stopped.
  CpuUsage Read() const;

 private:
  double start_wall_ = 0, start_busy_ = 0, start_own_ = 0;
};

}  // namespace kura::bench
