// Helpers for actor-level tests: run a plan to its end in a real actor system.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/pipeline.hpp"
#include "actors/query_runner.hpp"

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

}  // namespace sluice::test
