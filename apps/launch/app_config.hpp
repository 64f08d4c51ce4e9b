// app_config: the settings of a prebuilt app — declared with defaults and help, loaded from
// `--config FILE` (a JSON object; nested objects flatten to dotted keys) and `--set key=value`
// (applied after the file, so they win).
//
// Every key is checked: an unknown key is refused naming the accepted ones; a typed getter
// refuses a bad value naming the key, what it got and what it accepts. Errors are thrown as
// `config_error`; the CLI prints them and exits 2.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"

namespace sluice {

struct config_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// What an app takes from the run besides its settings. Set by `sluice run`; null in
/// `sluice explain`, where apps build their plans but start nothing.
struct app_runtime {
  /// The Kafka bootstrap address: `--brokers`, or the embedded broker, started on first use.
  std::function<std::string()> brokers;
  /// Creates a topic on the embedded broker (a no-op against a real cluster).
  std::function<void(const std::string& topic, int partitions)> create_topic;
  bool embedded = false;  // brokers() started the embedded broker
  /// Background work (an input feed) that lives as long as the run.
  std::vector<std::shared_ptr<void>> keep_alive;
  /// Work an app does once every usage error is reported and the outputs are claimed, before
  /// its queries start (writing an input of its own): throws what stops the run.
  std::vector<std::function<void()>> on_start;
  /// Asked after the queries ended: "" or why background work failed.
  std::vector<std::function<std::string()>> checks;
  std::function<void(std::string)> warn;
  /// Topics already fed by this run, with the feed's end signal (null: unbounded): an app
  /// whose queries share an input feeds it once.
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> fed_topics;
};

struct app_setting {
  std::string key;
  std::string default_value;
  std::string help;
};

class app_config {
 public:
  app_config(std::string app, std::vector<app_setting> settings);

  void load_file(const std::string& path);
  /// `key=value`.
  void set(const std::string& assignment);
  void set(const std::string& key, const std::string& value);

  std::string str(const std::string& key) const;
  /// A directory setting: refused when empty (an empty output would put `/joined` at the root).
  std::string directory(const std::string& key) const;
  int64_t integer(const std::string& key, int64_t min, int64_t max) const;
  double number(const std::string& key, double min, double max) const;
  int64_t duration_us(const std::string& key) const;
  std::chrono::microseconds duration(const std::string& key) const {
    return std::chrono::microseconds(duration_us(key));
  }
  trigger_policy trigger(const std::string& key) const;
  bool flag(const std::string& key) const;

  const std::vector<app_setting>& settings() const { return settings_; }
  /// The settings whose value differs from their default, by key (what --config and --set gave).
  std::map<std::string, std::string> given() const;
  const std::string& app_name() const { return app_; }
  /// The run this config builds for (null: explain only).
  app_runtime* runtime = nullptr;
  /// Help text: one line per setting with its default.
  std::string describe() const;

 private:
  const std::string& raw(const std::string& key) const;
  std::string app_;
  std::vector<app_setting> settings_;
  std::map<std::string, std::string> values_;
};

/// A generated input's settings under `prefix`: count, rate, seed, keys, spacing, late,
/// disorder, malformed — with the given defaults for count, keys and spacing.
std::vector<app_setting> generator_settings(const std::string& prefix, const std::string& what,
                                            const std::string& count, const std::string& keys,
                                            const std::string& spacing);
generator_spec generator_from(const app_config& c, const std::string& prefix, const std::string& kind);
/// The part of a generated input every app sets: `<prefix>.count`, `<prefix>.rate`,
/// `<prefix>.seed` and the distinct keys from setting `keys` (named after what they are).
generator_spec generator_base(const app_config& c, const std::string& prefix, const std::string& kind,
                              const std::string& keys);

/// Setting `alerts.to`: file (JSONL under `dir`), stdout, or kafka:TOPIC (on the run's brokers).
app_setting alert_output_setting();
sink_plan alert_output(const app_config& c, const std::string& dir);

/// The settings every app has: trigger, records per trigger, restart strategy.
std::vector<app_setting> common_settings();
/// Applies the common settings to a pipeline.
void apply_common_settings(pipeline& p, const app_config& c);

}  // namespace sluice
