#include "cpu_meter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

namespace kura::bench {
namespace {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU-seconds all CPUs spent busy since boot: the first line of /proc/stat is
// "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
double BusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

double OwnSeconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    getrusage(who, &usage);
    total += Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  }
  return total;
}

}  // namespace

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
}

CpuMeter::CpuMeter() : start_wall_(WallSeconds()), start_busy_(BusySeconds()), start_own_(OwnSeconds()) {}

CpuUsage CpuMeter::Read() const {
  CpuUsage u;
  u.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  u.seconds = WallSeconds() - start_wall_;
  if (u.seconds <= 0) return u;
  u.busy_cpus = (BusySeconds() - start_busy_) / u.seconds;
  u.own_cpus = (OwnSeconds() - start_own_) / u.seconds;
  u.other_cpus = std::max(0.0, u.busy_cpus - u.own_cpus);
  return u;
}

}  // namespace kura::bench
