#include "tools/chaos/chaos_run.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <thread>

namespace sluice::cli {
namespace {

using clock_type = std::chrono::steady_clock;

std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("sluice");
}

/// One `sluice run` child, output to a log file.
class child {
 public:
  child(const std::vector<std::string>& args, const std::string& log) : log_(log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log.c_str(), "w");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~child() {
    if (pid_ > 0) kill();
  }
  /// Exit code when it ended (−1 for a signal), nullopt while running.
  std::optional<int> poll() {
    if (pid_ <= 0) return code_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return std::nullopt;
    pid_ = -1;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return code_;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    code_ = -1;
  }
  std::string log_text() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
  std::string log_;
};

/// The fault points a killed start may arm (one in three starts, first or second pass).
const std::vector<std::string>& fault_points() {
  static const std::vector<std::string> points = {"exit:before-commit", "exit:after-commit", "leveldb:sync",
                                                  "crash:sink", "crash:watermark"};
  return points;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

/// A `sluice run` of the app; `checkpointed` false for the reference (a plain run, so a bug of
/// the checkpointed path cannot hide in both).
std::vector<std::string> child_args(const chaos_options& o, const std::string& brokers, const std::string& dir,
                                    const std::string& group, const std::string& fault, const std::string& progress,
                                    bool checkpointed = true) {
  std::vector<std::string> a = {
      self_exe(),   "run",   o.app, "--set", "output=" + dir + "/out", "--set", "output.overwrite=false",
      "--progress", progress};
  if (checkpointed) a.insert(a.end(), {"--checkpoint", dir + "/checkpoint", "--checkpoint-interval", o.interval});
  if (o.kafka)
    a.insert(a.end(), {"--brokers", brokers, "--set", "kafka.feed=false", "--set", "kafka.ending_offsets=latest",
                       "--set", "kafka.group=" + group});
  for (const auto& s : o.sets) {
    a.push_back("--set");
    a.push_back(s);
  }
  if (!fault.empty()) {
    a.push_back("--fail-at");
    a.push_back(fault);
  }
  return a;
}

/// What happens to one start: a fault point armed (or ""), a broker outage at half of
/// `kill_at`, a SIGKILL `kill_at` seconds after the spawn (infinity: left to finish).
struct start_plan {
  std::string fault;
  bool outage = false;
  double kill_at = std::numeric_limits<double>::infinity();
};

bool has_lines(const std::string& path) {
  std::error_code ec;
  return std::filesystem::file_size(path, ec) > 0 && !ec;
}

/// Watches a start until it exits, its plan's kill moment, Ctrl-C or the deadline: its exit
/// code, or nullopt while still running. With `timed`, its "resumed" line gives a recovery time.
/// The kill clock starts with the first line of `progress` (its first committed trigger);
/// `data_start` says when that was.
std::optional<int> watch(child& c, clock_type::time_point spawned, const start_plan& plan, bool timed,
                         const std::string& progress, const chaos_context& cx, chaos_record& record,
                         std::optional<clock_type::time_point>& data_start) {
  bool resumed_seen = !timed, outage_done = !plan.outage;
  for (;;) {
    auto code = c.poll();
    double since_spawn = std::chrono::duration<double>(clock_type::now() - spawned).count();
    if (!resumed_seen && c.log_text().find("] resumed: ") != std::string::npos) {
      resumed_seen = true;
      record.recovery_ms.push_back(since_spawn * 1000);
    }
    if (!data_start && has_lines(progress)) data_start = clock_type::now();
    if (code) return code;
    if (!data_start) {
      if (cx.stop || clock_type::now() > cx.deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    double t = std::chrono::duration<double>(clock_type::now() - *data_start).count();
    if (!outage_done && t > plan.kill_at / 2) {
      cx.broker.set_down(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      cx.broker.set_up(1);
      outage_done = true;
      ++record.injected["broker outage (300 ms)"];
    }
    if (t >= plan.kill_at || cx.stop || clock_type::now() > cx.deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

/// Runs one start to its end: its exit code, −2 when killed at Ctrl-C or the deadline.
int run_to_end(const chaos_context& cx, const std::string& dir, const std::string& group, const std::string& log,
               bool timed, chaos_record& record, std::optional<clock_type::time_point>& data_start,
               bool checkpointed = true) {
  auto spawned = clock_type::now();
  std::string progress = log.substr(0, log.rfind(".log")) + ".progress.jsonl";
  child c(child_args(cx.options, cx.brokers, dir, group, "", progress, checkpointed), log);
  auto code = watch(c, spawned, start_plan{}, timed, progress, cx, record, data_start);
  if (code) return *code;
  c.kill();
  return -2;
}

std::string start_log(const chaos_options& o, int start) {
  return o.work + "/chaos-" + std::to_string(start) + ".log";
}

/// One start killed at a random moment (or ending first): counts the faults its log reports.
/// Returns its exit code, or nullopt when it was killed.
std::optional<int> killed_start(const chaos_context& cx, double reference_seconds, std::mt19937_64& rng,
                                chaos_record& record) {
  const chaos_options& o = cx.options;
  const auto& points = fault_points();
  start_plan plan;
  if (o.faults && rng() % 3 == 0) plan.fault = points[rng() % points.size()] + ":" + std::to_string(1 + rng() % 2);
  plan.outage = o.faults && rng() % 4 == 0;
  // Drawn so that N kills fit in one undisturbed run: a start gets on average 1/(N+1) of it.
  double span = 2.0 * reference_seconds / (o.kills + 1);
  plan.kill_at = std::uniform_real_distribution<double>(0.0, std::max(0.3, span))(rng);
  ++record.starts;
  auto spawned = clock_type::now();
  std::string log = start_log(o, record.starts);
  std::string progress = log.substr(0, log.rfind(".log")) + ".progress.jsonl";
  child c(child_args(o, cx.brokers, chaos_dir(o), "chaos-run", plan.fault, progress), log);
  std::optional<clock_type::time_point> data_start;
  auto code = watch(c, spawned, plan, record.starts > 1, progress, cx, record, data_start);
  auto text = c.log_text();
  for (const auto& p : points)
    if (size_t n = count_of(text, "fault injected at " + p)) record.injected[p] += static_cast<int>(n);
  if (!code) {
    c.kill();
    ++record.injected["SIGKILL"];
  }
  return code;
}

}  // namespace

std::string reference_dir(const chaos_options& o) {
  return o.work + "/base";
}
std::string chaos_dir(const chaos_options& o) {
  return o.work + "/chaos";
}

int reference_run(const chaos_context& cx, double& seconds) {
  const chaos_options& o = cx.options;
  chaos_record unused;
  auto t0 = clock_type::now();
  std::optional<clock_type::time_point> data_start;
  int code = run_to_end(cx, reference_dir(o), "chaos-base", o.work + "/base.log", false, unused, data_start, false);
  seconds = std::chrono::duration<double>(clock_type::now() - data_start.value_or(t0)).count();
  if (code != 0) {
    std::fprintf(stderr, "sluice chaos: the undisturbed run failed (exit %d); see %s/base.log\n", code, o.work.c_str());
    return 1;
  }
  return 0;
}

int chaos_runs(const chaos_context& cx, double reference_seconds, chaos_record& record) {
  const chaos_options& o = cx.options;
  std::mt19937_64 rng(o.seed);
  int kills = 0;
  bool finished = false;
  while (kills < o.kills && !finished && !cx.stop) {
    auto code = killed_start(cx, reference_seconds, rng, record);
    if (!code) {
      ++kills;
    } else if (*code == 0) {
      finished = true;
    } else if (*code != 86) {  // 86: an exit fault point ended the process, as armed
      std::fprintf(stderr, "sluice chaos: run %d exited with %d; see %s\n", record.starts, *code,
                   start_log(o, record.starts).c_str());
      return 1;
    }
  }
  if (finished) return 0;
  ++record.starts;
  std::string log = start_log(o, record.starts);
  std::optional<clock_type::time_point> data_start;
  int code = run_to_end(cx, chaos_dir(o), "chaos-run", log, true, record, data_start);
  if (code != 0) {
    std::fprintf(stderr, "sluice chaos: the last run exited with %d; see %s\n", code, log.c_str());
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
