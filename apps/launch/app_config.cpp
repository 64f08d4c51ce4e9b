#include "apps/launch/app_config.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {
namespace json = boost::json;

app_config::app_config(std::string app, std::vector<app_setting> settings)
    : app_(std::move(app)), settings_(std::move(settings)) {
  for (const auto& s : settings_) values_[s.key] = s.default_value;
}

void app_config::set(const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw config_error("--set '" + assignment + "': expected key=value, e.g. --set trigger=5s");
  set(assignment.substr(0, eq), assignment.substr(eq + 1));
}

void app_config::set(const std::string& key, const std::string& value) {
  auto it = values_.find(key);
  if (it == values_.end()) {
    std::string accepted;
    for (const auto& s : settings_) accepted += (accepted.empty() ? "" : ", ") + s.key;
    throw config_error("unknown setting '" + key + "' for app '" + app_ + "'; accepted: " + accepted);
  }
  it->second = value;
}

namespace {
void flatten(const json::value& v, const std::string& prefix, app_config& c, const std::string& path) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object())
      flatten(kv.value(), prefix.empty() ? std::string(kv.key()) : prefix + "." + std::string(kv.key()), c, path);
    return;
  }
  if (prefix.empty()) throw config_error(path + ": the config must be a JSON object of settings");
  std::string text = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
  try {
    c.set(prefix, text);
  } catch (const config_error& e) {
    throw config_error(path + ": " + e.what());
  }
}
}  // namespace

void app_config::load_file(const std::string& path) {
  json::value v;
  auto err = read_json_file(path, v);
  if (!err.empty()) throw config_error("--config '" + path + "': " + err);
  flatten(v, "", *this, "--config '" + path + "'");
}

const std::string& app_config::raw(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw config_error("app '" + app_ + "' has no setting '" + key + "'");
  return it->second;
}

std::map<std::string, std::string> app_config::given() const {
  std::map<std::string, std::string> out;
  for (const auto& s : settings_)
    if (const auto& v = raw(s.key); v != s.default_value) out[s.key] = v;
  return out;
}

std::string app_config::str(const std::string& key) const {
  return raw(key);
}

std::string app_config::directory(const std::string& key) const {
  auto v = raw(key);
  if (v.empty()) throw config_error("setting '" + key + "' is empty: give a directory, e.g. --set " + key + "=out");
  return v;
}

namespace {
// Whether `parse` (std::stoll, std::stod) reads all of `v` as a value not below min nor above max.
template <class T, class Parse>
bool parse_in_range(const std::string& v, Parse parse, T min, T max, T& n) {
  size_t used = 0;
  try {
    n = parse(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  return !(used == 0 || used != v.size() || n < min || n > max);
}
}  // namespace

int64_t app_config::integer(const std::string& key, int64_t min, int64_t max) const {
  const auto& v = raw(key);
  int64_t n = 0;
  if (!parse_in_range<int64_t>(
          v, [](const std::string& t, size_t* used) { return std::stoll(t, used); }, min, max, n))
    throw config_error("setting '" + key + "' = '" + v + "': expected a whole number from " + std::to_string(min) +
                       " to " + std::to_string(max));
  return n;
}

double app_config::number(const std::string& key, double min, double max) const {
  const auto& v = raw(key);
  double n = 0;
  if (!parse_in_range<double>(
          v, [](const std::string& t, size_t* used) { return std::stod(t, used); }, min, max, n)) {
    std::ostringstream os;
    os << "setting '" << key << "' = '" << v << "': expected a number from " << min << " to " << max;
    throw config_error(os.str());
  }
  return n;
}

int64_t app_config::duration_us(const std::string& key) const {
  const auto& v = raw(key);
  auto d = parse_duration_us(v);
  if (!d || *d < 0)
    throw config_error("setting '" + key + "' = '" + v + "': expected a duration such as 500ms, 10s, 5m, 1h or 2d");
  return *d;
}

trigger_policy app_config::trigger(const std::string& key) const {
  const auto& v = raw(key);
  auto t = parse_trigger(v);
  if (!t)
    throw config_error("setting '" + key + "' = '" + v +
                       "': expected a processing-time interval (1s, 500ms, 0 = back to back), once or available_now");
  return *t;
}

bool app_config::flag(const std::string& key) const {
  const auto& v = raw(key);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw config_error("setting '" + key + "' = '" + v + "': expected true or false");
}

std::string app_config::describe() const {
  std::string out;
  for (const auto& s : settings_) {
    std::string line = "  " + s.key;
    if (line.size() < 34) line.resize(34, ' ');
    out += line + " " + s.help + " (default: " + (s.default_value.empty() ? "\"\"" : s.default_value) + ")\n";
  }
  return out;
}

std::vector<app_setting> common_settings() {
  return {
      {"trigger", "1s", "processing-time interval between triggers, or once / available_now"},
      {"max_records_per_trigger", "10000", "records a source reads per trigger at most (0 = no cap)"},
      {"trigger_credits", "2", "triggers in flight at once (flow control; back-to-back triggers only)"},
      {"max_future_event_time", "1d",
       "rows whose event time is more than this ahead of processing time go to the dead letters (0 = no bound)"},
      {"watermark_scope", "partition",
       "per-partition watermarks (same output at any pace) or query (Spark's: judged per trigger)"},
      {"restart.max", "3", "restarts allowed within restart.within before the failure escalates"},
      {"restart.within", "60s", "the window of the restart intensity"},
      {"restart.backoff", "100ms", "back-off before the first restart (doubles each time, at most 10s)"},
  };
}

void apply_common_settings(pipeline& p, const app_config& c) {
  p.with_trigger(c.trigger("trigger"));
  p.with_max_records_per_trigger(c.integer("max_records_per_trigger", 0, 100'000'000));
  p.with_trigger_credits(static_cast<int>(c.integer("trigger_credits", 1, 64)));
  auto scope = parse_watermark_scope(c.str("watermark_scope"));
  if (!scope)
    throw config_error("setting 'watermark_scope' must be partition or query, not '" + c.str("watermark_scope") + "'");
  p.with_watermark_scope(*scope);
  p.with_max_future_event_time(c.duration_us("max_future_event_time"));
  restart_strategy r;
  r.max_restarts = static_cast<int>(c.integer("restart.max", 0, 1000));
  r.within_us = c.duration_us("restart.within");
  if (r.within_us <= 0) throw config_error("setting 'restart.within' must be positive");
  r.initial_backoff_us = c.duration_us("restart.backoff");
  p.with_restart_strategy(r);
}

std::vector<app_setting> generator_settings(const std::string& p, const std::string& what, const std::string& count,
                                            const std::string& keys, const std::string& spacing) {
  return {
      {p + ".count", count, "generated " + what + " (0 = unbounded, until Ctrl-C)"},
      {p + ".rate", "0", what + " per second (0 = as fast as the pipeline takes them)"},
      {p + ".seed", "42", "generator seed (same seed, same input)"},
      {p + ".keys", keys, "distinct keys (users, devices)"},
      {p + ".spacing", spacing, "event time between consecutive records"},
      {p + ".late", "0", "share of records arriving 10 min of event time late"},
      {p + ".disorder", "0", "share of records moved up to 5 s back in event time"},
      {p + ".malformed", "0", "share of malformed records (they go to the dead letters)"},
      {p + ".retries", "0",
       "share of records the producer sends twice (a retry: the same record again; transactions, readings, clicks "
       "and sales)"},
  };
}

generator_spec generator_base(const app_config& c, const std::string& p, const std::string& kind,
                              const std::string& keys) {
  generator_spec g;
  g.kind = kind;
  g.count = static_cast<uint64_t>(c.integer(p + ".count", 0, INT64_MAX));
  g.rate = c.number(p + ".rate", 0, 1e9);
  g.seed = static_cast<uint64_t>(c.integer(p + ".seed", 0, INT64_MAX));
  g.keys = static_cast<uint64_t>(c.integer(keys, 1, 1'000'000'000));
  return g;
}

generator_spec generator_from(const app_config& c, const std::string& p, const std::string& kind) {
  generator_spec g = generator_base(c, p, kind, p + ".keys");
  g.spacing_us = c.duration_us(p + ".spacing");
  if (g.spacing_us <= 0) throw config_error("setting '" + p + ".spacing' must be positive");
  g.late_fraction = c.number(p + ".late", 0, 1);
  g.disorder_fraction = c.number(p + ".disorder", 0, 1);
  g.malformed_fraction = c.number(p + ".malformed", 0, 1);
  g.duplicate_fraction = c.number(p + ".retries", 0, 1);
  if (g.duplicate_fraction > 0 && kind != "transactions" && kind != "iot" && kind != "clicks" && kind != "sales" &&
      kind != "purchases")
    throw config_error("setting '" + p + ".retries': the " + kind +
                       " generator has no retries (transactions, "
                       "readings, clicks, sales and purchases do)");
  return g;
}

app_setting alert_output_setting() {
  return {"alerts.to", "file", "where alerts go: file (JSONL under output/alerts), stdout, or kafka:TOPIC"};
}

sink_plan alert_output(const app_config& c, const std::string& dir) {
  std::string to = c.str("alerts.to");
  if (to == "file") return sinks::jsonl(dir);
  if (to == "stdout") return sinks::console(1000);
  if (to.rfind("kafka:", 0) == 0 && to.size() > 6) {
    kafka_sink_options k;
    k.topic = to.substr(6);
    k.key_column = "key";
    if (c.runtime) {
      k.brokers = c.runtime->brokers();
      if (c.runtime->create_topic) c.runtime->create_topic(k.topic, 1);
    } else {
      k.brokers = "localhost:9092";  // explain only: nothing connects
    }
    return sinks::kafka(k);
  }
  throw config_error("setting 'alerts.to' = '" + to + "': expected file, stdout or kafka:TOPIC");
}

}  // namespace sluice
