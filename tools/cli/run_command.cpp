// `sluice run` and `sluice explain`.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "actors/runtime/query_runner.hpp"
#include "apps/frontend/pipeline_json.hpp"
#include "apps/prebuilt/app_registry.hpp"
#include "messages/data/time.hpp"
#include "state/io/files/output_folder.hpp"
#include "state/io/kafka/embedded_broker.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run_target.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;

namespace {

struct target {
  std::string owner;  // the app or the pipeline: owns the output folders
  std::vector<query_plan_ptr> plans;
  std::string outputs;
};

/// The run's Kafka: `--brokers`, or an embedded broker started the first time an app or a
/// pipeline asks for one (and kept until the run ends).
struct run_kafka {
  std::string given;
  std::unique_ptr<embedded_broker> broker;
  std::vector<std::thread> outages;  // broker:down faults: each brings the broker back up
  ~run_kafka() {
    for (auto& t : outages) t.join();
  }
  std::string address() {
    if (!given.empty()) return given;
    if (!broker) {
      auto s = embedded_broker::start(1, broker);
      if (!s.is_ok()) throw std::runtime_error("embedded Kafka broker: " + s.to_string());
      std::fprintf(stderr, "embedded Kafka broker at %s (in this process; its topics are gone when sluice exits)\n",
                   broker->bootstrap().c_str());
    }
    return broker->bootstrap();
  }
};

}  // namespace

po::options_description run_options_description() {
  po::options_description d("options");
  d.add_options()("help,h", "this help (with an app: its settings)")(
      "config", po::value<std::string>(), "JSON file of app settings (nested objects are dotted keys)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "key=value: one app setting (repeatable; wins over --config)")(
      "progress", po::value<std::string>(), "append one StreamingQueryProgress JSON line per trigger to FILE")(
      "fail-at", po::value<std::vector<std::string>>()->composing(),
      "arm a fault point: crash:<actor>[:K[:always]] (also SLUICE_FAIL_AT)")(
      "list-faults", "list the fault points and exit")("explain", "print the plan before running")(
      "checkpoint", po::value<std::string>(),
      "checkpoint directory (Spark's checkpointLocation): aligned epochs in LevelDB, exactly-once output, and a "
      "restart resumes from the last committed epoch; query Q uses DIR/Q")(
      "checkpoint-interval", po::value<std::string>()->default_value("5s"),
      "time between epochs with --checkpoint (e.g. 1s, 500ms; 0 = after every trigger)")(
      "brokers", po::value<std::string>(),
      "Kafka bootstrap servers (host:port,…) for apps and pipeline blocks without their own; default: an embedded "
      "broker inside this process")(
      "deploy",
      "run the app as a version of a deployment (the app's output folder): the serving version, or v1; it stops "
      "when `sluice reprocess` swaps another version in (docs/kappa.md)");
  return d;
}

app_config app_settings(const app_definition& app, const po::variables_map& vm, const std::vector<std::string>& more) {
  app_config cfg(app.name, app.settings);
  if (vm.count("config")) cfg.load_file(vm["config"].as<std::string>());
  if (vm.count("set"))
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) cfg.set(s);
  for (const auto& s : more) cfg.set(s);
  return cfg;
}

namespace {

void print_app_help(const app_definition& app) {
  app_config cfg(app.name, app.settings);
  std::printf("sluice run %s — %s\n\nsettings (--set key=value or --config FILE):\n%s", app.name.c_str(),
              app.summary.c_str(), cfg.describe().c_str());
}

target resolve(const std::string& what, const po::variables_map& vm, app_runtime* rt = nullptr,
               const std::vector<std::string>& more = {}) {
  target t;
  if (auto* app = find_app(what)) {
    app_config cfg = app_settings(*app, vm, more);
    cfg.runtime = rt;
    t.owner = app->name;
    t.plans = app->build(cfg);
    t.outputs = app->outputs(cfg);
    return t;
  }
  if (std::filesystem::path(what).extension() == ".json" || std::filesystem::exists(what)) {
    if (vm.count("set") || vm.count("config"))
      throw std::invalid_argument("--set and --config apply to prebuilt apps; edit the pipeline file instead");
    pipeline_json_context ctx;
    if (rt)
      ctx.brokers = rt->brokers;
    else if (vm.count("brokers"))
      ctx.brokers = [b = vm["brokers"].as<std::string>()] { return b; };
    else
      ctx.brokers = [] { return std::string("<embedded broker>"); };
    if (!rt)  // explain: the plan's shape only, no lookup table read
      ctx.open_table = [](dimension_options d, std::shared_ptr<dimension_table>& t) {
        return dimension_table::declare(std::move(d), t);
      };
    auto plan = pipeline_from_json_file(what, ctx);
    t.owner = plan->name;
    t.plans.push_back(plan);
    t.outputs.clear();
    for (const auto& sink : plan->sinks) t.outputs += sink.description + ", ";
    t.outputs += "dead letters: " + plan->dead_letter_dir;
    return t;
  }
  std::string names;
  for (const auto& a : registered_apps()) names += (names.empty() ? "" : ", ") + a.name;
  throw std::invalid_argument("'" + what + "' is neither a prebuilt app (" + names + ") nor a pipeline .json file");
}

// `sluice run` and `sluice explain` take the same options and an optional target.
const verb_syntax run_syntax{"run", "usage: sluice run APP|PIPELINE.json [options]", "target"};
const verb_syntax explain_syntax{
    "explain", "usage: sluice explain APP|PIPELINE.json [--set key=value]… [--config FILE]", "target"};

std::string target_of(const po::variables_map& vm) {
  return vm.count("target") ? vm["target"].as<std::string>() : std::string{};
}

}  // namespace

namespace {

/// Faults from SLUICE_FAIL_AT and --fail-at; throws std::invalid_argument for a bad one.
std::shared_ptr<fault_plan> arm_faults(const po::variables_map& vm) {
  auto faults = std::make_shared<fault_plan>();
  if (const char* env = std::getenv("SLUICE_FAIL_AT")) {
    auto s = faults->arm(env);
    if (!s.is_ok()) throw std::invalid_argument("SLUICE_FAIL_AT: " + s.message());
  }
  if (vm.count("fail-at"))
    for (const auto& f : vm["fail-at"].as<std::vector<std::string>>()) {
      auto s = faults->arm(f);
      if (!s.is_ok()) throw std::invalid_argument(s.message());
    }
  // Exit fault points end the process at once, as a kill would (no destructors, no flush).
  faults->set_process_exit([](const std::string& point) {
    std::fprintf(stderr, "fault injected at %s: exiting now\n", point.c_str());
    std::fflush(stderr);
    std::_Exit(86);
  });
  return faults;
}

/// --checkpoint (or the extras' checkpoint) and --checkpoint-interval; throws
/// std::invalid_argument naming the flag.
void read_checkpoint_options(const po::variables_map& vm, const run_extras& extras, run_options& ro) {
  if (!extras.checkpoint_dir.empty() && vm.count("checkpoint"))
    throw std::invalid_argument(extras.checkpoint_owner + " keeps the checkpoint in " + extras.checkpoint_dir +
                                ": leave out --checkpoint");
  ro.checkpoint_dir = vm.count("checkpoint") ? vm["checkpoint"].as<std::string>() : extras.checkpoint_dir;
  if (ro.checkpoint_dir.empty()) {
    if (!vm["checkpoint-interval"].defaulted())
      throw std::invalid_argument("--checkpoint-interval needs --checkpoint DIR");
    return;
  }
  auto iv = vm["checkpoint-interval"].as<std::string>();
  auto d = parse_duration_us(iv);
  if (!d || *d < 0)
    throw std::invalid_argument("--checkpoint-interval '" + iv + "': expected a duration such as 5s, 500ms or 0");
  ro.checkpoint_interval_us = *d;
}

/// The run's Kafka: the given brokers, or an embedded broker started on first use.
app_runtime make_runtime(run_kafka& kafka) {
  app_runtime rt;
  rt.create_topic = [&kafka](const std::string& topic, int partitions) {
    if (!kafka.broker) return;
    auto s = kafka.broker->create_topic(topic, partitions);
    if (!s.is_ok()) throw std::runtime_error(s.to_string());
  };
  rt.warn = [](std::string w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); };
  return rt;
}

/// Every output folder of the run, checked (all of them first: a refusal changes nothing), then
/// claimed; the claims hold their locks until the run ends.
std::vector<std::unique_ptr<output_claim>> claim_outputs(const target& t, const run_options& ro) {
  std::map<std::string, output_request> wanted;  // by folder: parents before the folders inside them
  bool resuming = false;
  for (const auto& p : t.plans)
    resuming |= !ro.checkpoint_dir.empty() && std::filesystem::exists(ro.checkpoint_dir + "/" + p->name);
  std::string checkpoint;
  if (!ro.checkpoint_dir.empty()) checkpoint = std::filesystem::absolute(ro.checkpoint_dir).lexically_normal().string();
  auto want = [&](const std::string& dir, bool overwrite, bool memory) {
    auto key = std::filesystem::absolute(dir).lexically_normal().string();
    wanted[key] = output_request{dir, {t.owner, checkpoint}, resuming, overwrite, memory};
  };
  for (const auto& p : t.plans) {
    for (const auto& dir : p->output_folders()) want(dir, p->overwrite_outputs, false);
    for (const auto& dir : p->memory_folders) want(dir, p->overwrite_outputs, true);
  }
  std::vector<output_action> actions;
  for (const auto& [key, r] : wanted) {
    output_action a;
    if (auto s = inspect_output_folder(r, a); !s.is_ok()) throw std::invalid_argument(s.message());
    actions.push_back(a);
  }
  if (resuming) std::fprintf(stderr, "resuming from checkpoint %s: outputs are kept\n", ro.checkpoint_dir.c_str());
  std::vector<std::unique_ptr<output_claim>> claims;
  size_t i = 0;
  for (const auto& [key, r] : wanted) {
    if (actions[i] == output_action::clear) std::fprintf(stderr, "cleared %s (overwrite)\n", r.dir.c_str());
    claims.emplace_back();
    auto s = claim_output_folder(r, actions[i++], claims.back());
    if (!s.is_ok()) throw std::runtime_error(s.message());
  }
  return claims;
}

/// The closing lines; the exit code.
int report(const run_result& result, const app_runtime& rt, const target& t, const run_options& ro) {
  bool ok = result.ok;
  std::printf("output: %s\n", t.outputs.c_str());
  for (const auto& check : rt.checks) {
    auto e = check();
    if (e.empty()) continue;
    std::fprintf(stderr, "sluice run: %s\n", e.c_str());
    ok = false;
  }
  if (!ro.progress_path.empty()) std::printf("progress: %s\n", ro.progress_path.c_str());
  if (ok) return 0;
  for (const auto& o : result.outcomes)
    if (o.kind == "failed")
      std::fprintf(stderr, "sluice run: query '%s' failed: %s\n", o.query.c_str(), o.message.c_str());
  return 1;
}

/// --list-faults and --help; nullopt when the verb runs.
std::optional<int> answer_questions(const po::variables_map& vm, const po::options_description& desc,
                                    const std::string& what) {
  if (vm.count("list-faults")) {
    for (const auto& [name, help] : fault_plan::known_points()) std::printf("%-20s %s\n", name.c_str(), help.c_str());
    std::printf("\narm with --fail-at NAME[:K[:always]] or SLUICE_FAIL_AT=NAME[:K[:always]][,…]\n");
    return 0;
  }
  if (!vm.count("help")) return std::nullopt;
  if (auto* app = find_app(what))
    print_app_help(*app);
  else
    print_verb_usage(run_syntax, desc);
  return 0;
}

}  // namespace

int run_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  auto desc = run_options_description();
  po::variables_map vm;
  if (auto done = parse_verb_line(run_syntax, desc, args, vm)) return *done;
  std::string what = target_of(vm);
  if (auto done = answer_questions(vm, desc, what)) return *done;
  if (what.empty())
    throw std::invalid_argument("name an app or a pipeline file, e.g. `sluice run medallion` (see sluice --help)");
  if (vm.count("deploy")) return run_deployed(what, vm, stop);
  return run_target(what, vm, stop, {});
}

int run_target(const std::string& what, const po::variables_map& vm, const std::atomic<bool>& stop,
               const run_extras& extras) {
  run_kafka kafka;
  if (vm.count("brokers")) kafka.given = vm["brokers"].as<std::string>();
  app_runtime rt = make_runtime(kafka);
  rt.brokers = [&kafka, &rt] {
    auto a = kafka.address();
    rt.embedded = static_cast<bool>(kafka.broker);
    return a;
  };
  // Every usage error is reported before anything on disk changes.
  target t = resolve(what, vm, &rt, extras.sets);
  auto faults = arm_faults(vm);
  run_options ro;
  read_checkpoint_options(vm, extras, ro);
  if (!ro.checkpoint_dir.empty())
    for (const auto& p : t.plans)
      if (auto why = checkpoint_name_problem(p->name); !why.empty()) throw std::invalid_argument(why);
  if (vm.count("explain"))
    for (const auto& p : t.plans) std::printf("%s\n", p->explain().c_str());
  auto claims = claim_outputs(t, ro);
  if (extras.before_start) extras.before_start();
  for (const auto& f : rt.on_start) f();
  for (const auto& f : faults->describe()) std::fprintf(stderr, "fault armed: %s\n", f.c_str());
  std::fprintf(stderr, "running %s (%zu quer%s); Ctrl-C stops after the triggers in flight\n", what.c_str(),
               t.plans.size(), t.plans.size() == 1 ? "y" : "ies");
  ro.broker_down = [&kafka] {
    if (!kafka.broker) return;
    kafka.broker->set_down(1);
    kafka.outages.emplace_back([b = kafka.broker.get()] {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      b->set_up(1);
    });
  };
  ro.progress_path = vm.count("progress") ? vm["progress"].as<std::string>() : std::string{};
  ro.on_progress = extras.on_progress;
  ro.faults = faults->armed() ? faults : nullptr;
  ro.on_event = [&extras](const query_event& e) {
    if (e.kind != "published")  // right after each "checkpoint": said once
      std::fprintf(stderr, "[%s] %s: %s\n", e.query.c_str(), e.kind.c_str(), e.message.c_str());
    if (extras.on_event) extras.on_event(e);
  };
  // Ctrl-C, or the extras' own reason to stop, polled as the runner polls its flag; the watch
  // ends with the run, however the run ends.
  struct stop_watch {
    std::atomic<bool> stopping{false}, finished{false};
    std::thread thread;
    ~stop_watch() {
      finished = true;
      if (thread.joinable()) thread.join();
    }
  } watch;
  watch.thread = std::thread([&watch, &stop, &extras] {
    while (!watch.finished && !watch.stopping) {
      if (stop || (extras.should_stop && extras.should_stop())) watch.stopping = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  ro.stop_requested = &watch.stopping;
  auto result = run_queries(t.plans, ro);
  rt.keep_alive.clear();  // stops an input feed still producing (Ctrl-C)
  return report(result, rt, t, ro);
}

int explain_command(const std::vector<std::string>& args) {
  po::variables_map vm;
  if (auto done = parse_verb_line(explain_syntax, run_options_description(), args, vm)) return *done;
  std::string what = target_of(vm);
  if (vm.count("help") || what.empty()) {
    std::cout << explain_syntax.usage << "\n";  // the usage line only
    return what.empty() && !vm.count("help") ? 2 : 0;
  }
  try {
    auto t = resolve(what, vm);
    for (const auto& p : t.plans) std::printf("%s\n", p->explain().c_str());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "sluice explain: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace sluice::cli
