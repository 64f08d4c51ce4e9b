#include "apps/prebuilt/fraud.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "apps/prebuilt/prebuilt_app.hpp"
#include "apps/processors/spend_spike.hpp"
#include "messages/codec/json_codec.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

namespace {

struct logistic_model {
  double intercept = 0, threshold = 0.9;
  std::vector<std::pair<std::string, double>> weights;
};

logistic_model load_model(const std::string& path) {
  boost::json::value v;
  auto err = read_json_file(path, v);
  if (!err.empty()) throw config_error("setting 'model' = '" + path + "': " + err);
  static const std::vector<std::string> features = {"count", "total", "avg_amount", "merchants", "countries"};
  logistic_model m;
  try {
    const auto& o = v.as_object();
    for (const auto& kv : o)
      if (kv.key() != "intercept" && kv.key() != "weights" && kv.key() != "threshold")
        throw config_error("model " + path + ": unknown field '" + std::string(kv.key()) +
                           "' (expected intercept, weights, threshold)");
    if (auto* b = o.if_contains("intercept")) m.intercept = b->to_number<double>();
    if (auto* t = o.if_contains("threshold")) m.threshold = t->to_number<double>();
    for (const auto& kv : o.at("weights").as_object()) {
      std::string f(kv.key());
      if (std::find(features.begin(), features.end(), f) == features.end())
        throw config_error("model " + path + ": weight for unknown feature '" + f +
                           "' (features: count, total, avg_amount, merchants, countries)");
      m.weights.emplace_back(f, kv.value().to_number<double>());
    }
  } catch (const config_error&) {
    throw;
  } catch (const std::exception& e) {
    throw config_error("model " + path + ": " + e.what() +
                       " (expected {\"intercept\": b, \"weights\": {feature: w}, \"threshold\": t})");
  }
  return m;
}

}  // namespace

app_definition fraud_app() {
  auto app = prebuilt_app(
      "fraud",
      "fraud alerts: transactions deduplicated by id (a producer's retries), then velocity (> 5 transactions per "
      "user in 5 minutes), spend spikes against the "
      "user's running average (keyed state), optional logistic scoring per window",
      {"directory for flagged_windows/, spikes/, alerts/", "clear the outputs and the alert memory"},
      {watermark_setting("1m", "a transaction"),
       {"velocity.window", "5m", "velocity window length"},
       {"velocity.slide", "0s", "velocity window slide (0 = tumbling)"},
       {"velocity.max", "5", "VELOCITY alert when a user has more transactions than this in a window"},
       {"spike.factor", "5", "SPEND_SPIKE when an amount is above this times the user's running average"},
       {"spike.min_history", "5", "transactions a user needs before spikes are judged"},
       {"spike.idle", "24h", "forget a user's history after this much event time without a transaction"},
       {"spike.ttl", "7d", "state TTL (processing time) for the running average"},
       {"model", "", "logistic model JSON file for MODEL_SCORE alerts (empty = off)"},
       {"alerts.max_per_user", "0", "at most this many alerts per user per minute (0 = no limit)"},
       {"partitions", "2", "partitions of the window aggregation and of the keyed processor"}},
      {generator_settings("transactions", "transactions", "20000", "1000", "250ms"), {alert_output_setting()}});
  declare_outputs(app, {{"flagged windows", "flagged_windows"}, {"spikes", "spikes"}, {"alerts", "alerts", true}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    app_input transactions{"transactions", "transactions", generator_from(c, "transactions", "transactions"),
                           generator_schema("transactions")};
    auto delay = c.duration("watermark");
    int partitions = app_partitions(c);
    int64_t max_n = c.integer("velocity.max", 0, 1'000'000);
    alert_limits limits;
    limits.max_per_key = c.integer("alerts.max_per_user", 0, 1'000'000);
    std::optional<logistic_model> model;
    if (!c.str("model").empty()) model = load_model(c.str("model"));
    // A producer's retry sends a transaction twice: both queries keep the first of each txn_id
    // (Spark's dropDuplicatesWithinWatermark), so a retry counts once in windows and averages.
    dedup_options retries;
    retries.keys = {"txn_id"};
    retries.within_watermark = true;
    retries.partitions = partitions;
    // A running average depends on each user's order of transactions: one dedup partition
    // keeps the input's order (partitions by txn_id would interleave a user's rows).
    auto in_order = [](dedup_options o) {
      o.partitions = 1;
      return o;
    };
    // Both queries read the same input; on Kafka each has its own consumer group.
    std::vector<query_plan_ptr> plans;

    pipeline v = app_pipeline(c, "fraud-velocity", out + "/dead_letters");
    auto windows =
        v.source(app_source(c, transactions, "velocity"))
            .with_watermark("ts", delay)
            .drop_duplicates(retries)
            .group_by(
                {keys::col("user"), keys::window("ts", c.duration("velocity.window"), c.duration("velocity.slide"))})
            .with_partitions(partitions)
            .agg({aggs::count().as("count"), aggs::sum("amount").as("total"), aggs::avg("amount").as("avg_amount"),
                  aggs::approx_count_distinct("merchant").as("merchants"),
                  aggs::approx_count_distinct("country").as("countries")});
    std::vector<alert_rule> rules = {window_alert(
        "VELOCITY", [max_n](const record& r) { return std::get<int64_t>(r["count"]) > max_n; },
        "count > " + std::to_string(max_n), "user", "high",
        "{user} made {count} transactions totalling {total} between {window_start} and {window_end}")};
    if (model) {
      auto m = *model;
      windows = windows.with_column(
          "score", column_type::float64,
          [m](const record& r) {
            double z = m.intercept;
            for (const auto& [f, w] : m.weights) z += w * r.num(f);
            return value{1.0 / (1.0 + std::exp(-z))};
          },
          "logistic score");
      rules.push_back(window_alert(
          "MODEL_SCORE", [t = m.threshold](const record& r) { return r.num("score") > t; },
          "score > " + std::to_string(m.threshold), "user", "high",
          "{user} scored {score} between {window_start} and {window_end}"));
    }
    auto flagged = windows.filter(
        [rules](const record& r) {
          for (const auto& rule : rules)
            if (rule.when(r)) return true;
          return false;
        },
        "a rule holds");
    flagged.alerts(rules, alert_output(c, out + "/alerts/velocity"), limits, out + "/alert_memory/velocity")
        .to(sinks::jsonl(out + "/flagged_windows"));
    plans.push_back(v.build());

    pipeline s = app_pipeline(c, "fraud-spend-spike", out + "/dead_letters/spend-spike");
    auto spikes = s.source(app_source(c, transactions, "spend-spike"))
                      .with_watermark("ts", delay)
                      .drop_duplicates(in_order(retries))
                      .key_by<std::string>("user")
                      .with_partitions(partitions)
                      .with_ttl("mean", c.duration("spike.ttl"))
                      .with_ttl("count", c.duration("spike.ttl"))
                      .process<spend_spike>(spend_spike_output(), c.number("spike.factor", 1, 1e9),
                                            c.integer("spike.min_history", 1, 1'000'000), c.duration_us("spike.idle"));
    spikes
        .alerts({{"SPEND_SPIKE", [](const record&) { return true; }, "every spike", "user", "ts", "ts", "high",
                  "{user} spent {amount} at {ts}, over the running average {running_avg} of {history} transactions"}},
                alert_output(c, out + "/alerts/spikes"), limits, out + "/alert_memory/spikes")
        .to(sinks::jsonl(out + "/spikes"));
    plans.push_back(s.build());
    return plans;
  };
  return app;
}

}  // namespace sluice
