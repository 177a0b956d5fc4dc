#include "sevisflow/common/shutdown.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

namespace sevisflow::common {

namespace {
sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR2);  // Trigger()
  return set;
}
}  // namespace

ShutdownSignal::ShutdownSignal() {
  sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int ShutdownSignal::Wait() {
  sigset_t set = ShutdownSet();
  int sig = 0;
  sigwait(&set, &sig);
  return sig == SIGUSR2 ? 0 : sig;
}

bool ShutdownSignal::WaitFor(std::chrono::milliseconds timeout) {
  sigset_t set = ShutdownSet();
  timespec ts{static_cast<time_t>(timeout.count() / 1000),
              static_cast<long>((timeout.count() % 1000) * 1000000)};
  return sigtimedwait(&set, nullptr, &ts) > 0;
}

void ShutdownSignal::Trigger() { kill(getpid(), SIGUSR2); }

}  // namespace sevisflow::common
