// `sluice chaos APP`: proves a prebuilt app neither loses nor doubles output when killed.
//
//   embedded broker (this process) ◀── the app's generated input, produced once
//        │
//        ├── reference run:  sluice run APP (no checkpoint, undisturbed) ──▶ base/out
//        └── chaos run:      sluice run APP --checkpoint …  ×(kills + faults + 1)
//                              SIGKILL at random moments, --fail-at fault points,
//                              broker outages; each start resumes the checkpoint ──▶ chaos/out
//   compare base/out with chaos/out (tools/chaos/output_compare.hpp): lost, duplicated, changed
//
// Children are the real `sluice` binary reading the topics up to their end at start
// (kafka.ending_offsets=latest). Recovery time: from a restart's spawn to its "resumed"
// line (state restored, sources rewound, first trigger committed). Exit 0 only when clean.
//
// The runs themselves are in tools/chaos/chaos_run.hpp; this file reads the command line,
// prepares the broker and the input, and compares and reports.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "apps/prebuilt/app_registry.hpp"
#include "state/faults/fault_plan.hpp"
#include "state/io/files/work_dir.hpp"
#include "tools/chaos/chaos_run.hpp"
#include "tools/chaos/output_compare.hpp"
#include "tools/cli/commands.hpp"

namespace sluice::cli {
using clock_type = std::chrono::steady_clock;

namespace {

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

int list_faults() {
  for (const auto& [name, help] : fault_plan::known_points()) std::printf("%-20s %s\n", name.c_str(), help.c_str());
  std::printf("\narm with `sluice run --fail-at NAME[:K[:always]]` or SLUICE_FAIL_AT=NAME[:K[:always]][,…]\n");
  return 0;
}

/// Reads the command line into `o`: the exit code when the command ends here (--help,
/// --list-faults, a usage error), nullopt to go on.
std::optional<int> parse_options(const std::vector<std::string>& args, chaos_options& o) {
  auto need = [&](size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
    return args[++i];
  };
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const auto& a = args[i];
      if (a == "--help" || a == "-h") return usage(stdout);
      if (a == "--list-faults") return list_faults();
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
  return std::nullopt;
}

/// Completes the options from the app: the default work directory, whether it reads Kafka.
void resolve_against(const app_definition& app, chaos_options& o) {
  if (o.work.empty()) o.work = "sluice-chaos/" + o.app;
  o.kafka =
      std::any_of(app.settings.begin(), app.settings.end(), [](const app_setting& s) { return s.key == "kafka.feed"; });
}

/// Waits for every topic the app fed to be produced to its end; "" or why not.
std::string wait_for_feed(const app_runtime& rt, const chaos_options& o, const std::atomic<bool>& stop) {
  auto t0 = clock_type::now();
  for (;;) {
    bool done = !rt.fed_topics.empty();
    for (const auto& [topic, flag] : rt.fed_topics) done &= flag && flag->load();
    if (done) break;
    if (stop || clock_type::now() - t0 > std::chrono::seconds(o.timeout_s))
      return "the input feed did not finish (a bounded count is needed)";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const auto& check : rt.checks)
    if (auto e = check(); !e.empty()) return "feeding the input: " + e;
  return "";
}

/// Produces the app's own feed once, to its end, into the broker (apps reading Kafka only).
int produce_input(const app_definition& app, const chaos_options& o, embedded_broker& broker,
                  const std::atomic<bool>& stop) {
  std::string brokers = broker.bootstrap();
  app_runtime rt;
  rt.brokers = [&] { return brokers; };
  rt.create_topic = [&](const std::string& t, int p) {
    auto s = broker.create_topic(t, p);
    if (!s.is_ok()) throw std::runtime_error(s.to_string());
  };
  rt.warn = [](std::string w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); };
  try {
    app_config cfg(app.name, app.settings);
    for (const auto& s : o.sets) cfg.set(s);
    cfg.set("kafka.feed=true");
    cfg.runtime = &rt;
    app.build(cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice chaos: %s: %s\n", o.app.c_str(), e.what());
    return 2;
  }
  if (auto e = wait_for_feed(rt, o, stop); !e.empty()) {
    std::fprintf(stderr, "sluice chaos: %s\n", e.c_str());
    return 1;
  }
  std::fprintf(stderr, "chaos: input of %s produced to %zu topic(s) at %s\n", o.app.c_str(), rt.fed_topics.size(),
               brokers.c_str());
  return 0;
}

/// Starts the embedded broker and puts the app's fixed input in it.
int prepare_broker(const app_definition& app, const chaos_options& o, const std::atomic<bool>& stop,
                   std::unique_ptr<embedded_broker>& broker) {
  auto bs = embedded_broker::start(1, broker);
  if (!bs.is_ok()) {
    std::fprintf(stderr, "sluice chaos: embedded broker: %s\n", bs.to_string().c_str());
    return 1;
  }
  return o.kafka ? produce_input(app, o, *broker, stop) : 0;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const chaos_options& o, const chaos_record& r, const output_difference& d) {
  int faults = 0;
  std::string fault_list;
  for (const auto& [name, n] : r.injected) {
    faults += n;
    fault_list += (fault_list.empty() ? "" : ", ") + name + " ×" + std::to_string(n);
  }
  std::printf("chaos %s (seed %llu): %d process starts, %d faults injected (%s)\n", o.app.c_str(),
              static_cast<unsigned long long>(o.seed), r.starts, faults,
              fault_list.empty() ? "none" : fault_list.c_str());
  std::printf("records: %lld expected, %lld lost, %lld duplicated, %lld changed\n", static_cast<long long>(d.expected),
              static_cast<long long>(d.lost), static_cast<long long>(d.duplicated), static_cast<long long>(d.changed));
  std::printf("recovery (restart to first trigger committed): p50 %.0f ms, p99 %.0f ms over %zu restarts\n",
              percentile(r.recovery_ms, 0.5), percentile(r.recovery_ms, 0.99), r.recovery_ms.size());
  for (const auto& ex : d.examples) std::printf("  %s\n", ex.c_str());
  std::printf("%s\n", d.clean() ? "clean: the output equals the undisturbed run's" : "NOT CLEAN");
}

/// Reads the outputs (part files, else the checkpoint's tables) of both runs and compares them.
int compare_and_report(const chaos_options& o, const chaos_record& r) {
  std::string base = reference_dir(o), run = chaos_dir(o);
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
  report(o, r, d);
  return d.clean() ? 0 : 1;
}

}  // namespace

int chaos_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  chaos_options o;
  if (auto done = parse_options(args, o)) return *done;
  const app_definition* app = find_app(o.app);
  if (!app) {
    std::string names;
    for (const auto& a : registered_apps()) names += (names.empty() ? "" : ", ") + a.name;
    std::fprintf(stderr, "sluice chaos: name a prebuilt app (%s)\n", names.c_str());
    return 2;
  }
  resolve_against(*app, o);
  if (auto s = claim_work_dir(o.work); !s.is_ok()) {
    std::fprintf(stderr, "sluice chaos: --work %s\n", s.message().c_str());
    return 2;
  }
  std::unique_ptr<embedded_broker> broker;
  if (int rc = prepare_broker(*app, o, stop, broker)) return rc;
  chaos_context cx{o, *broker, broker->bootstrap(), clock_type::now() + std::chrono::seconds(o.timeout_s), stop};
  double reference_seconds = 0;
  if (int rc = reference_run(cx, reference_seconds)) return rc;
  std::fprintf(stderr, "chaos: undisturbed run took %.1f s\n", reference_seconds);
  chaos_record record;
  if (int rc = chaos_runs(cx, reference_seconds, record)) return rc;
  return compare_and_report(o, record);
}

}  // namespace sluice::cli
