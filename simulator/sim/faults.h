// The fault schedule of a run: partitions of one store, of many and of HQ (minutes to a
// day), crashes of stores and HQ (with a till request in flight half of the time), clock
// skew and jumps at stores, and store disks replaced (down 10 minutes to 4 hours). Drawn
// up front from the world's fault stream, so the same seed gives the same faults whatever
// the strategy does.
#pragma once

namespace kura::sim {

class World;

// Schedules every fault of the run into the world's queue. Faults start within the first
// 90% of the run; the final heal ends any still going.
void ScheduleFaults(World& world);

}  // namespace kura::sim
