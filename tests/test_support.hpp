// Helpers for actor-level tests: run a plan to its end in a real actor system.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"

namespace sluice::test {

struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& tag) {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("sluice-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::string str(const std::string& sub = {}) const { return sub.empty() ? path.string() : (path / sub).string(); }
};

inline run_result run(const query_plan_ptr& plan, run_options opts = {}) {
  return run_queries({plan}, opts);
}

/// Lines of every `*.jsonl` file in a directory, in file order.
std::vector<std::string> read_lines(const std::string& dir);

/// Runs the real `sluice` binary with `args` (a shell command tail) in `cwd`; returns its exit
/// code and fills `out` with stdout and stderr together.
int run_sluice(const std::string& args, std::string& out, const std::string& cwd = ".");

/// Runs a shell command; returns its exit code, `out` = stdout and stderr together.
int shell(const std::string& command, std::string& out);

/// A process started in the background (`sh -c command`, output to `log`), stopped with
/// SIGTERM and waited for by `stop()` or the destructor.
class background_process {
 public:
  background_process(const std::string& command, const std::string& log);
  ~background_process();
  /// Sends SIGTERM and waits up to `timeout_s`, then SIGKILL; returns the exit code (-1: killed).
  int stop(int timeout_s = 30);
  bool running();

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

/// Every record of `topic` as kcat prints it with `format` (e.g. "%k\t%s\n"), one per entry.
std::vector<std::string> kcat_consume(const std::string& brokers, const std::string& topic,
                                      const std::string& format = "%s\n");

}  // namespace sluice::test
