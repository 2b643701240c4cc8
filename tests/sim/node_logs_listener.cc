// The sim tests' worlds log as kura-sim's do (node_logs.h): errors only, on stderr, so
// ctest's record of a run shows the tests rather than HQ's routine warnings.
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // the listener base
#include <catch2/catch.hpp>

#include "node_logs.h"

namespace kura::sim {
namespace {

struct NodeLogsToErrors : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testRunStarting(const Catch::TestRunInfo&) override { KeepNodeLogsToErrors(); }
};
CATCH_REGISTER_LISTENER(NodeLogsToErrors)

}  // namespace
}  // namespace kura::sim
