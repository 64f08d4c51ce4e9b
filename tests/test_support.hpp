// Helpers for tests: run a plan to its end in a real actor system; run the real `sluice`
// binary (a prebuilt app among others) and read what it wrote; state a generated input once,
// both to work out a test's expected answer and to have an app generate the same records.
#pragma once

#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "state/io/gen/generator_reader.hpp"

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
/// A whole file's text ("" when it cannot be read).
std::string read_file(const std::string& path);

/// Runs the real `sluice` binary with `args` (a shell command tail) in `cwd`; returns its exit
/// code and fills `out` with stdout and stderr together.
int run_sluice(const std::string& args, std::string& out, const std::string& cwd = ".");

/// `sluice run APP ARGS --set output=OUTPUT` (ARGS: `--set key=value` and other options);
/// returns the exit code and fills `out` as run_sluice does.
int run_app(const std::string& app, const std::string& args, const std::string& output, std::string& out);

/// `count` generated records of `kind` with `seed`, `keys` distinct keys and `spacing_us` of
/// event time between them (the other knobs at the generator's defaults).
generator_spec generated(const std::string& kind, uint64_t count, uint64_t seed, uint64_t keys, int64_t spacing_us);
/// ` --set PREFIX.count=… --set PREFIX.keys=… --set PREFIX.seed=…`: an app whose input
/// settings are under PREFIX generates the records of `g` — when g.spacing_us is the app's
/// default PREFIX.spacing, which these arguments leave alone.
std::string generator_args(const std::string& prefix, const generator_spec& g);
/// generator_args() for a run straight from the generator (`input=generator`), in triggers of
/// `per_trigger` records run back to back until the input ends (`trigger=available_now`).
std::string generator_run_args(const std::string& prefix, const generator_spec& g, int64_t per_trigger);
/// Calls `f(n, record, ts_us)` for the records n = 0 … count − 1 of `g`, each one JSON object
/// with event time `ts` (epoch milliseconds; ts_us in µs). Returns the largest ts_us.
int64_t for_each_generated(const generator_spec& g,
                           const std::function<void(uint64_t n, boost::json::object& record, int64_t ts_us)>& f);

/// An ISO-8601 time string (as the sinks write window bounds) in µs since the epoch.
int64_t iso_us(const boost::json::value& v);

/// The lines of `text`, without their '\n'; a last line without one counts too.
std::vector<std::string> split_lines(const std::string& text);

/// Polls `done` every 100 ms for up to `seconds`; its last answer.
bool wait_for(const std::function<bool()>& done, int seconds);

/// Runs a shell command; returns its exit code, `out` = stdout and stderr together.
int shell(const std::string& command, std::string& out);

/// A process started in the background (`sh -c command`, output to `log`), stopped with
/// SIGTERM and waited for by `stop()` or the destructor.
class background_process {
 public:
  background_process(const std::string& command, const std::string& log);
  ~background_process();
  /// Sends `signal` (SIGTERM by default) and waits up to `timeout_s`, then SIGKILL; returns the
  /// exit code (-1: killed).
  int stop(int timeout_s = 30, int signal = SIGTERM);
  bool running();
  /// Waits up to `timeout_s` for it to end by itself; then as stop(). Returns the exit code.
  int wait(int timeout_s);
  /// Its resident memory (VmRSS of /proc/PID/status) in KiB; -1 once it ended.
  int64_t rss_kib() const;

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

/// Starts `sluice broker ARGS` in the background (log `log`) and waits up to 10 s for the
/// address it prints on its first line; "" if none came.
std::string start_broker(std::unique_ptr<background_process>& broker, const std::string& args, const std::string& log);

/// Every record of `topic` as kcat prints it with `format` (e.g. "%k\t%s\n"), one per entry.
std::vector<std::string> kcat_consume(const std::string& brokers, const std::string& topic,
                                      const std::string& format = "%s\n");

}  // namespace sluice::test
