#pragma once
// SIGTERM / SIGINT handling for services: main() blocks in Wait() until a signal arrives.

#include <chrono>

namespace sevisflow::common {

class ShutdownSignal {
 public:
  // Blocks SIGTERM and SIGINT in the calling thread (call first in main, before any thread is
  // started, so every thread inherits the mask) and prepares to wait for them.
  ShutdownSignal();
  // Blocks until SIGTERM or SIGINT (or Trigger()). Returns the signal number (0 if triggered).
  int Wait();
  // Wait with a timeout; returns true when a signal arrived.
  bool WaitFor(std::chrono::milliseconds timeout);
  static void Trigger();
};

}  // namespace sevisflow::common
