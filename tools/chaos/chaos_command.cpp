// `sluice chaos APP`: proves a prebuilt app neither loses nor doubles output when killed.
//
//   embedded broker (this process) ◀── the app's generated input, produced once
//        │
//        ├── reference run:  sluice run APP --checkpoint … (undisturbed) ──▶ base/out
//        └── chaos run:      sluice run APP --checkpoint …  ×(kills + faults + 1)
//                              SIGKILL at random moments, --fail-at fault points,
//                              broker outages; each start resumes the checkpoint ──▶ chaos/out
//   compare base/out with chaos/out (tools/chaos/output_compare.hpp): lost, duplicated, changed
//
// Children are the real `sluice` binary reading the topics up to their end at start
// (kafka.ending_offsets=latest). Recovery time: from a restart's spawn to its "resumed"
// line (state restored, sources rewound, first trigger committed). Exit 0 only when clean.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "apps/prebuilt/app_registry.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/work_dir.hpp"
#include "state/io/kafka/embedded_broker.hpp"
#include "tools/chaos/output_compare.hpp"
#include "tools/cli/commands.hpp"

namespace sluice::cli {
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct chaos_options {
  std::string app;
  bool kafka = true;  // the app reads Kafka topics (else a deterministic generator)
  int kills = 5;
  uint64_t seed = 1;
  bool faults = true;
  std::string interval = "500ms";
  std::string work;
  int timeout_s = 600;
  std::vector<std::string> sets;
};

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
  const std::string& log() const { return log_; }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
  std::string log_;
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

std::vector<std::string> child_args(const chaos_options& o, const std::string& brokers, const std::string& dir,
                                    const std::string& group, const std::string& fault) {
  std::vector<std::string> a = {self_exe(),
                                "run",
                                o.app,
                                "--checkpoint",
                                dir + "/checkpoint",
                                "--checkpoint-interval",
                                o.interval,
                                "--set",
                                "output=" + dir + "/out",
                                "--set",
                                "output.overwrite=false"};
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

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int usage(std::FILE* out) {
  std::fprintf(out,
               "usage: sluice chaos APP [--kills N] [--seed S] [--set key=value]… [--no-faults]\n"
               "                        [--checkpoint-interval D] [--work DIR] [--timeout SECONDS]\n"
               "       sluice chaos --list-faults\n\n"
               "Runs APP (as `sluice run`, a child process) on a fixed generated input in an embedded broker, once\n"
               "undisturbed and once while killing it N times with SIGKILL at random moments and at fault points\n"
               "(and dropping the broker), restarting it from its checkpoint each time; then compares the outputs.\n"
               "Prints records lost, duplicated and changed, the faults injected and recovery time p50/p99; exits 1\n"
               "on any difference. Defaults: --kills 5 --seed 1 --checkpoint-interval 500ms --work "
               "sluice-chaos/APP.\n");
  return out == stdout ? 0 : 2;
}

}  // namespace

int chaos_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  chaos_options o;
  auto need = [&](size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value (see sluice chaos --help)");
    return args[++i];
  };
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const auto& a = args[i];
      if (a == "--help" || a == "-h") return usage(stdout);
      if (a == "--list-faults") {
        for (const auto& [name, help] : fault_plan::known_points())
          std::printf("%-20s %s\n", name.c_str(), help.c_str());
        std::printf("\narm with `sluice run --fail-at NAME[:K[:always]]` or SLUICE_FAIL_AT=NAME[:K[:always]][,…]\n");
        return 0;
      }
      if (a == "--kills") {
        o.kills = std::stoi(need(i));
        if (o.kills < 0) throw std::invalid_argument("--kills must be 0 or more");
      } else if (a == "--seed") {
        o.seed = std::stoull(need(i));
      } else if (a == "--set") {
        o.sets.push_back(need(i));
      } else if (a == "--no-faults") {
        o.faults = false;
      } else if (a == "--checkpoint-interval") {
        o.interval = need(i);
      } else if (a == "--work") {
        o.work = need(i);
      } else if (a == "--timeout") {
        o.timeout_s = std::stoi(need(i));
      } else if (!a.empty() && a[0] != '-' && o.app.empty()) {
        o.app = a;
      } else {
        throw std::invalid_argument("unexpected argument '" + a + "'");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice chaos: %s (see sluice chaos --help)\n", e.what());
    return 2;
  }
  const app_definition* app = find_app(o.app);
  if (!app) {
    std::string names;
    for (const auto& a : registered_apps()) names += (names.empty() ? "" : ", ") + a.name;
    std::fprintf(stderr, "sluice chaos: name a prebuilt app (%s)\n", names.c_str());
    return 2;
  }
  if (o.work.empty()) o.work = "sluice-chaos/" + o.app;
  o.kafka = std::any_of(app->settings.begin(), app->settings.end(),
                        [](const app_setting& s) { return s.key == "kafka.feed"; });
  // With the transaction topic, the CDC app's changelog says which record completed each
  // change, and that depends on how the two topics interleave across triggers — even two
  // undisturbed runs differ (docs/cdc.md, rule 9). Chaos compares the single-topic app.
  if (o.app == "cdc") {
    bool given = false;
    for (const auto& s : o.sets) given |= s.rfind("transaction_topic=", 0) == 0;
    if (!given) o.sets.insert(o.sets.begin(), "transaction_topic=");
  }
  if (auto s = claim_work_dir(o.work); !s.is_ok()) {
    std::fprintf(stderr, "sluice chaos: --work %s\n", s.message().c_str());
    return 2;
  }

  // 1. The broker and the fixed input: the app's own feed, produced once, to its end.
  std::unique_ptr<embedded_broker> broker;
  auto bs = embedded_broker::start(1, broker);
  if (!bs.is_ok()) {
    std::fprintf(stderr, "sluice chaos: embedded broker: %s\n", bs.to_string().c_str());
    return 1;
  }
  std::string brokers = broker->bootstrap();
  if (o.kafka) {
    app_runtime rt;
    rt.brokers = [&] { return brokers; };
    rt.create_topic = [&](const std::string& t, int p) {
      auto s = broker->create_topic(t, p);
      if (!s.is_ok()) throw std::runtime_error(s.to_string());
    };
    rt.warn = [](std::string w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); };
    try {
      app_config cfg(app->name, app->settings);
      for (const auto& s : o.sets) cfg.set(s);
      cfg.set("kafka.feed=true");
      cfg.runtime = &rt;
      app->build(cfg);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sluice chaos: %s: %s\n", o.app.c_str(), e.what());
      return 2;
    }
    auto t0 = clock_type::now();
    for (;;) {
      bool done = !rt.fed_topics.empty();
      for (const auto& [topic, flag] : rt.fed_topics) done &= flag && flag->load();
      if (done) break;
      if (stop || clock_type::now() - t0 > std::chrono::seconds(o.timeout_s)) {
        std::fprintf(stderr, "sluice chaos: the input feed did not finish (a bounded count is needed)\n");
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (const auto& check : rt.checks)
      if (auto e = check(); !e.empty()) {
        std::fprintf(stderr, "sluice chaos: feeding the input: %s\n", e.c_str());
        return 1;
      }
    std::fprintf(stderr, "chaos: input of %s produced to %zu topic(s) at %s\n", o.app.c_str(), rt.fed_topics.size(),
                 brokers.c_str());
  }
  auto deadline = clock_type::now() + std::chrono::seconds(o.timeout_s);
  auto wait_for = [&](child& c) -> int {
    for (;;) {
      if (auto code = c.poll()) return *code;
      if (stop || clock_type::now() > deadline) {
        c.kill();
        return -2;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };

  // 2. The reference run.
  std::string base = o.work + "/base", run = o.work + "/chaos";
  auto b0 = clock_type::now();
  int base_code;
  {
    child c(child_args(o, brokers, base, "chaos-base", ""), o.work + "/base.log");
    base_code = wait_for(c);
  }
  double base_s = std::chrono::duration<double>(clock_type::now() - b0).count();
  if (base_code != 0) {
    std::fprintf(stderr, "sluice chaos: the undisturbed run failed (exit %d); see %s/base.log\n", base_code,
                 o.work.c_str());
    return 1;
  }
  std::fprintf(stderr, "chaos: undisturbed run took %.1f s\n", base_s);

  // 3. The chaos run: kills, fault points, broker outages; a restart after each.
  std::mt19937_64 rng(o.seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  const std::vector<std::string> points = {"exit:before-commit", "exit:after-commit", "leveldb:sync", "crash:sink",
                                           "crash:watermark"};
  std::map<std::string, int> injected;
  std::vector<double> recovery_ms;
  int kills = 0, starts = 0;
  bool finished = false;
  while (kills < o.kills && !finished && !stop) {
    std::string fault;
    if (o.faults && rng() % 3 == 0) fault = points[rng() % points.size()] + ":" + std::to_string(1 + rng() % 2);
    bool outage = o.faults && rng() % 4 == 0;
    ++starts;
    std::string log = o.work + "/chaos-" + std::to_string(starts) + ".log";
    auto t0 = clock_type::now();
    child c(child_args(o, brokers, run, "chaos-run", fault), log);
    double kill_at = uniform(0.2, std::max(0.5, base_s * 1.1));
    bool resumed_seen = false, outage_done = !outage;
    std::optional<int> code;
    for (;;) {
      code = c.poll();
      double t = std::chrono::duration<double>(clock_type::now() - t0).count();
      if (!resumed_seen && starts > 1 && c.log_text().find("] resumed: ") != std::string::npos) {
        resumed_seen = true;
        recovery_ms.push_back(t * 1000);
      }
      if (code) break;
      if (!outage_done && t > kill_at / 2) {
        broker->set_down(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        broker->set_up(1);
        outage_done = true;
        ++injected["broker outage (300 ms)"];
      }
      if (t >= kill_at || stop || clock_type::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto text = c.log_text();
    for (const auto& p : points)
      if (size_t n = count_of(text, "fault injected at " + p)) injected[p] += static_cast<int>(n);
    if (!code) {
      c.kill();
      ++kills;
      ++injected["SIGKILL"];
      continue;
    }
    if (*code == 0) {
      finished = true;
    } else if (*code != 86) {
      std::fprintf(stderr, "sluice chaos: run %d exited with %d; see %s\n", starts, *code, log.c_str());
      return 1;
    }
  }
  if (!finished) {
    ++starts;
    std::string log = o.work + "/chaos-" + std::to_string(starts) + ".log";
    auto t0 = clock_type::now();
    child c(child_args(o, brokers, run, "chaos-run", ""), log);
    bool resumed_seen = false;
    int code;
    for (;;) {
      auto r = c.poll();
      if (!resumed_seen && c.log_text().find("] resumed: ") != std::string::npos) {
        resumed_seen = true;
        recovery_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
      }
      if (r) {
        code = *r;
        break;
      }
      if (stop || clock_type::now() > deadline) {
        c.kill();
        code = -2;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (code != 0) {
      std::fprintf(stderr, "sluice chaos: the last run exited with %d; see %s\n", code, log.c_str());
      return 1;
    }
  }

  // 4. Compare.
  output_records want, got;
  auto e1 = read_outputs(base + "/out", want);
  auto e2 = read_outputs(run + "/out", got);
  if (e1.empty()) e1 = read_checkpoint_tables(base + "/checkpoint", want);
  if (e2.empty()) e2 = read_checkpoint_tables(run + "/checkpoint", got);
  if (!e1.empty() || !e2.empty()) {
    std::fprintf(stderr, "sluice chaos: %s\n", (e1.empty() ? e2 : e1).c_str());
    return 1;
  }
  auto d = compare_outputs(want, got);
  int faults = 0;
  std::string fault_list;
  for (const auto& [name, n] : injected) {
    faults += n;
    fault_list += (fault_list.empty() ? "" : ", ") + name + " ×" + std::to_string(n);
  }
  std::printf("chaos %s (seed %llu): %d process starts, %d faults injected (%s)\n", o.app.c_str(),
              static_cast<unsigned long long>(o.seed), starts, faults,
              fault_list.empty() ? "none" : fault_list.c_str());
  std::printf("records: %lld expected, %lld lost, %lld duplicated, %lld changed\n", static_cast<long long>(d.expected),
              static_cast<long long>(d.lost), static_cast<long long>(d.duplicated), static_cast<long long>(d.changed));
  std::printf("recovery (restart to first trigger committed): p50 %.0f ms, p99 %.0f ms over %zu restarts\n",
              percentile(recovery_ms, 0.5), percentile(recovery_ms, 0.99), recovery_ms.size());
  for (const auto& ex : d.examples) std::printf("  %s\n", ex.c_str());
  std::printf("%s\n", d.clean() ? "clean: the output equals the undisturbed run's" : "NOT CLEAN");
  return d.clean() ? 0 : 1;
}

}  // namespace sluice::cli
