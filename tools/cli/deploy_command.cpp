// `sluice run APP --deploy`, `sluice reprocess` and `sluice versions`: Kappa reprocessing over a
// deployment's versions (state/deploy/deployment.hpp; docs/kappa.md).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>

#include "apps/prebuilt/app_registry.hpp"
#include "messages/data/time.hpp"
#include "state/deploy/deployment.hpp"
#include "tools/cli/catch_up.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run_target.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;

namespace {

const verb_syntax reprocess_syntax{
    "reprocess",
    "usage: sluice reprocess APP --from earliest|latest|OFFSETS [--set key=value]… [--max-lag N] [--dry-run]\n\n"
    "Runs a new version of a deployed app (`sluice run APP --deploy`) from the start of its topics into\n"
    "<output>/vN with its own checkpoint, printing its lag while it catches up; once it is at most --max-lag\n"
    "records behind, <output>/current is swapped to it and the version that served stops. --set changes\n"
    "settings from the serving version's.",
    "target"};
const verb_syntax versions_syntax{"versions", "usage: sluice versions APP [--set output=DIR]", "target"};

const app_definition& deployable_app(const std::string& what, const std::string& verb) {
  const auto* app = find_app(what);
  if (!app) throw std::invalid_argument(verb + " takes a prebuilt app (see sluice --help); '" + what + "' is not one");
  return *app;
}

bool has_setting(const app_definition& app, const std::string& key) {
  for (const auto& s : app.settings)
    if (s.key == key) return true;
  return false;
}

void check(const status& s) {
  if (!s.is_ok()) throw std::runtime_error(s.message());
}

/// The settings of a version as --set assignments, its output folder last.
std::vector<std::string> version_sets(const version_manifest& m, const deployment& d) {
  std::vector<std::string> sets;
  for (const auto& [k, v] : m.settings) sets.push_back(k + "=" + v);
  sets.push_back("output=" + d.dir(m.version));
  return sets;
}

/// The query names the app builds with `sets` — and every usage error of those settings, now.
std::vector<std::string> query_names(const app_definition& app, const po::variables_map& vm,
                                     const std::vector<std::string>& sets) {
  std::vector<std::string> names;
  for (const auto& p : app.build(app_settings(app, vm, sets))) names.push_back(p->name);
  return names;
}

/// Stops a run once `current` no longer points to `version` (after `armed()`, when given).
std::function<bool()> stop_when_retired(deployment d, int64_t version, std::function<bool()> armed = nullptr) {
  return [d = std::move(d), version, armed = std::move(armed)] {
    if (armed && !armed()) return false;
    int64_t current = 0;
    if (!d.current(current).is_ok() || current == version || current == 0) return false;
    std::fprintf(stderr, "v%lld is no longer current (%s → v%lld): stopping\n", static_cast<long long>(version),
                 d.current_path().c_str(), static_cast<long long>(current));
    return true;
  };
}

int64_t next_version(const deployment& d) {
  std::vector<version_manifest> all;
  check(d.versions(all));
  return all.empty() ? 1 : all.back().version + 1;
}

}  // namespace

int run_deployed(const std::string& what, const po::variables_map& vm, const std::atomic<bool>& stop) {
  const auto& app = deployable_app(what, "run --deploy");
  app_config given = app_settings(app, vm);
  deployment d(given.directory("output"));
  auto settings = given.given();
  settings.erase("output");
  int64_t current = 0;
  check(d.current(current));
  version_manifest m;
  bool fresh = current == 0;
  if (fresh) {
    if (next_version(d) != 1)
      throw std::invalid_argument(d.root() + " holds versions but no `current` link: sluice versions " + app.name +
                                  " lists them");
    m.app = app.name;
    m.version = 1;
    if (has_setting(app, "kafka.group") && !settings.count("kafka.group"))
      settings["kafka.group"] = "sluice-" + app.name + "-v1";
    if (vm.count("brokers") && has_setting(app, "kafka.brokers") && !settings.count("kafka.brokers"))
      settings["kafka.brokers"] = vm["brokers"].as<std::string>();
    m.settings = settings;
    m.from = has_setting(app, "kafka.starting_offsets") ? given.str("kafka.starting_offsets") : "";
    m.created_us = m.state_since_us = processing_time_us();
    m.state = "serving";
  } else {
    check(d.read(current, m));
    if (!settings.empty())
      throw std::invalid_argument("v" + std::to_string(current) + " of " + app.name +
                                  " runs with the settings it was " +
                                  "deployed with; to change them, run a new version: sluice reprocess " + app.name +
                                  " --from earliest --set …");
  }
  run_extras x;
  x.sets = version_sets(m, d);
  x.checkpoint_dir = d.checkpoint_dir(m.version);
  x.checkpoint_owner = "--deploy";
  x.before_start = [d, m, fresh] {
    if (!fresh) return;
    check(d.write(m));
    check(d.point_current(m.version));
  };
  x.should_stop = stop_when_retired(d, m.version);
  std::fprintf(stderr, "%s v%lld of %s: output %s (%s → v%lld)\n", fresh ? "deploying" : "running",
               static_cast<long long>(m.version), app.name.c_str(), d.dir(m.version).c_str(), d.current_path().c_str(),
               static_cast<long long>(m.version));
  return run_target(what, vm, stop, x);
}

namespace {

/// The new version's settings: the serving version's, then the line's --set, then what makes
/// it a version of its own (its consumer group, where its topics start, no second feed into a
/// shared cluster).
version_manifest next_manifest(const app_definition& app, const po::variables_map& vm, const deployment& d,
                               const version_manifest& serving, const std::string& from) {
  auto given = app_settings(app, vm).given();
  given.erase("output");
  version_manifest m;
  m.app = app.name;
  m.version = next_version(d);
  m.settings = serving.settings;
  for (const auto& [k, v] : given) m.settings[k] = v;
  if (m.settings.count("input") && m.settings["input"] == "generator")
    throw std::invalid_argument(
        "reprocess reads the app's Kafka topics again; this deployment reads the generator "
        "(input=generator): set input=kafka");
  if (vm.count("brokers")) m.settings["kafka.brokers"] = vm["brokers"].as<std::string>();
  m.settings["kafka.starting_offsets"] = from;
  std::string own_group = "sluice-" + app.name + "-v" + std::to_string(m.version);
  if (!given.count("kafka.group")) m.settings["kafka.group"] = own_group;
  auto was = serving.settings.find("kafka.group");
  if (was != serving.settings.end() && m.settings["kafka.group"] == was->second)
    throw std::invalid_argument("setting 'kafka.group' = '" + was->second + "' is v" + std::to_string(serving.version) +
                                "'s consumer group: the new version needs its own (leave it out: " + own_group + ")");
  bool shared = m.settings.count("kafka.brokers") && !m.settings["kafka.brokers"].empty();
  if (shared && !given.count("kafka.feed")) m.settings["kafka.feed"] = "false";  // the topics are there
  m.from = from;
  m.created_us = m.state_since_us = processing_time_us();
  m.state = "catching_up";
  return m;
}

void print_plan(const version_manifest& next, const version_manifest& serving, const deployment& d, int64_t max_lag,
                bool dry_run) {
  std::string changed;
  for (const auto& [k, v] : next.settings) {
    auto was = serving.settings.find(k);
    if (k != "kafka.group" && k != "kafka.starting_offsets" && (was == serving.settings.end() || was->second != v))
      changed += " " + k + "=" + v;
  }
  std::string v = "v" + std::to_string(next.version), old = "v" + std::to_string(serving.version);
  std::printf("%s%s v%lld: output %s, checkpoint %s\n", dry_run ? "would run " : "", next.app.c_str(),
              static_cast<long long>(next.version), d.dir(next.version).c_str(),
              d.checkpoint_dir(next.version).c_str());
  std::printf("  reads its topics from %s as consumer group %s\n", next.from.c_str(),
              next.settings.at("kafka.group").c_str());
  std::printf("  settings changed from %s:%s\n", old.c_str(), changed.empty() ? " none" : changed.c_str());
  std::printf("  %s %s from %s to %s once %s is at most %s records behind; %s then stops\n",
              dry_run ? "would point" : "points", d.current_path().c_str(), old.c_str(), v.c_str(), v.c_str(),
              with_thousands(max_lag).c_str(), old.c_str());
  std::fflush(stdout);
}

/// When a reprocessing version takes over: once it is at most `max_lag` records behind (each
/// query's batch then is its catch-up trigger) and every query has published an epoch covering
/// its catch-up trigger — so `current` never shows less than the new version caught up to. Then
/// `current` points to it and the serving version is retired. Fed by the run's progress records
/// and events (from several threads: one lock).
class version_swap {
 public:
  version_swap(deployment d, version_manifest next, version_manifest serving, std::vector<std::string> queries,
               int64_t max_lag)
      : d_(std::move(d)), next_(std::move(next)), serving_(std::move(serving)), meter_(queries), max_lag_(max_lag) {}

  void on_progress(const std::string& line) {
    std::lock_guard<std::mutex> g(mu_);
    int64_t now = processing_time_us();
    meter_.add(line, now);
    if (swapped_ || !target_.empty()) return;
    bool caught_up = meter_.known() && meter_.lag() <= max_lag_;
    if (!caught_up && now - last_print_ < 1'000'000) return;
    last_print_ = now;
    std::fprintf(stderr, "v%lld catching up: %s\n", static_cast<long long>(next_.version), meter_.describe().c_str());
    if (!caught_up) return;
    target_ = meter_.last_batches();
    std::fprintf(stderr, "v%lld caught up; swapping once its checkpoint covers that\n",
                 static_cast<long long>(next_.version));
    swap_when_covered();
  }

  void on_event(const query_event& e) {
    if (e.kind != "published") return;
    std::lock_guard<std::mutex> g(mu_);
    auto& c = committed_[e.query];
    c = std::max(c, e.commit.trigger);
    swap_when_covered();
  }

  bool swapped() const {
    std::lock_guard<std::mutex> g(mu_);
    return swapped_;
  }

 private:
  /// Swaps once every query's committed epochs cover its catch-up trigger (queries' epochs and
  /// progress records arrive in any order).
  void swap_when_covered() {
    if (swapped_ || target_.empty()) return;
    for (const auto& [query, trigger] : target_) {
      auto c = committed_.find(query);
      if (c == committed_.end() || c->second < trigger) return;
    }
    swap();
  }

  void swap() {
    try {
      check(d_.point_current(next_.version));
      int64_t now = processing_time_us();
      next_.state = "serving";
      next_.state_since_us = now;
      serving_.state = "retired";
      serving_.state_since_us = now;
      check(d_.write(next_));
      check(d_.write(serving_));
      swapped_ = true;
      std::fprintf(stderr, "swapped: %s → v%lld (v%lld retired; a process running it stops)\n",
                   d_.current_path().c_str(), static_cast<long long>(next_.version),
                   static_cast<long long>(serving_.version));
    } catch (const std::exception& e) {  // tried again at the next epoch
      std::fprintf(stderr, "warning: swap failed (tried again at the next checkpoint): %s\n", e.what());
    }
  }

  deployment d_;
  version_manifest next_, serving_;
  catch_up meter_;
  int64_t max_lag_;
  mutable std::mutex mu_;
  std::map<std::string, int64_t> target_;     // query → its catch-up trigger
  std::map<std::string, int64_t> committed_;  // query → the last trigger its published epochs cover
  bool swapped_ = false;
  int64_t last_print_ = 0;
};

}  // namespace

int reprocess_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  auto desc = run_options_description();
  desc.add_options()("from", po::value<std::string>(),
                     "where the new version's topics start: earliest (the start of its topics), latest, or JSON "
                     "offsets")("max-lag", po::value<int64_t>()->default_value(1000),
                                "swap once the new version is at most this many records behind")(
      "dry-run", "print what it would do, change nothing");
  po::variables_map vm;
  if (auto done = parse_verb(reprocess_syntax, desc, args, vm)) return *done;
  const auto& app = deployable_app(vm["target"].as<std::string>(), "reprocess");
  if (!vm.count("from"))
    throw std::invalid_argument("--from is required: earliest (the start of the topics), latest, or JSON offsets");
  if (vm.count("deploy")) throw std::invalid_argument("--deploy is for sluice run; reprocess always deploys");
  if (!has_setting(app, "kafka.starting_offsets"))
    throw std::invalid_argument("reprocess reads an app's Kafka topics again; " + app.name + " reads none");
  int64_t max_lag = vm["max-lag"].as<int64_t>();
  if (max_lag < 0) throw std::invalid_argument("--max-lag must be 0 or more records");
  deployment d(app_settings(app, vm).directory("output"));
  int64_t current = 0;
  check(d.current(current));
  if (current == 0)
    throw std::invalid_argument("nothing of " + app.name + " is deployed under " + d.root() +
                                ": start its first version with sluice run " + app.name + " --deploy");
  version_manifest serving;
  check(d.read(current, serving));
  version_manifest next = next_manifest(app, vm, d, serving, vm["from"].as<std::string>());
  auto sets = version_sets(next, d);
  auto queries = query_names(app, vm, sets);  // every usage error before anything is written
  bool dry_run = vm.count("dry-run") > 0;
  print_plan(next, serving, d, max_lag, dry_run);
  if (dry_run) return 0;
  run_extras x;
  x.sets = sets;
  x.checkpoint_dir = d.checkpoint_dir(next.version);
  x.checkpoint_owner = "sluice reprocess";
  x.before_start = [d, next] { check(d.write(next)); };
  auto swap = std::make_shared<version_swap>(d, next, serving, queries, max_lag);
  x.on_progress = [swap](const std::string& line) { swap->on_progress(line); };
  x.on_event = [swap](const query_event& e) { swap->on_event(e); };
  x.should_stop = stop_when_retired(d, next.version, [swap] { return swap->swapped(); });
  int code = run_target(app.name, vm, stop, x);
  if (!swap->swapped())
    std::fprintf(stderr, "v%lld was not swapped in (it stopped before catching up): %s still points to v%lld\n",
                 static_cast<long long>(next.version), d.current_path().c_str(), static_cast<long long>(current));
  return code;
}

int versions_command(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("set", po::value<std::vector<std::string>>()->composing(),
                                            "key=value: the app's settings (output names the deployment)")(
      "config", po::value<std::string>(), "JSON file of app settings");
  po::variables_map vm;
  if (auto done = parse_verb(versions_syntax, desc, args, vm)) return *done;
  const auto& app = deployable_app(vm["target"].as<std::string>(), "versions");
  deployment d(app_settings(app, vm).directory("output"));
  std::vector<version_manifest> all;
  check(d.versions(all));
  int64_t current = 0;
  check(d.current(current));
  if (all.empty()) {
    std::printf("no versions of %s under %s (deploy one: sluice run %s --deploy)\n", app.name.c_str(), d.root().c_str(),
                app.name.c_str());
    return 0;
  }
  std::printf("versions of %s in %s (current → v%lld):\n", app.name.c_str(), d.root().c_str(),
              static_cast<long long>(current));
  for (const auto& m : all) {
    std::string settings;
    for (const auto& [k, v] : m.settings) settings += " " + k + "=" + v;
    std::printf("%c v%-3lld %-11s since %s  from %s  settings:%s\n", m.version == current ? '*' : ' ',
                static_cast<long long>(m.version), m.state.c_str(), format_iso8601_ms(m.state_since_us).c_str(),
                m.from.empty() ? "-" : m.from.c_str(), settings.empty() ? " (defaults)" : settings.c_str());
  }
  return 0;
}

}  // namespace sluice::cli
