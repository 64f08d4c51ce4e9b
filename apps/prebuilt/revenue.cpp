#include "apps/prebuilt/revenue.hpp"

#include "apps/launch/kafka_input.hpp"

namespace sluice {

namespace {
schema_ptr sales_schema() {
  return std::make_shared<const schema>(std::vector<column>{{"order_id", column_type::int64, true, time_unit::millis},
                                                            {"category", column_type::string, true, time_unit::millis},
                                                            {"user", column_type::string, true, time_unit::millis},
                                                            {"amount", column_type::float64, true, time_unit::millis},
                                                            {"ts", column_type::timestamp, true, time_unit::millis}},
                                        "ts");
}
}  // namespace

app_definition revenue_app() {
  app_definition app;
  app.name = "revenue";
  app.summary =
      "real-time revenue: 5-minute tumbling revenue, orders and approximate unique users per category, "
      "and a 10-minute window sliding every 2 minutes of rolling revenue";
  app.settings = {
      {"output", "sluice-output/revenue", "directory for per_5m/ and rolling/"},
      {"window", "5m", "tumbling window length"},
      {"rolling.window", "10m", "rolling window length"},
      {"rolling.slide", "2m", "rolling window slide"},
      {"watermark", "1m", "how late a sale may arrive (watermark delay on ts)"},
      {"mode", "append", "append (a window once, when closed) or update (changed windows every trigger)"},
      {"unique_users.rsd", "0.05", "relative standard deviation of the unique-user estimate"},
      {"partitions", "2", "aggregation partitions (by category)"},
      {"output.overwrite", "true", "clear per_5m/ and rolling/ before running"},
  };
  for (auto& s : generator_settings("sales", "sales", "20000", "2000", "200ms")) app.settings.push_back(s);
  for (auto& s : kafka_input_settings()) app.settings.push_back(s);
  for (auto& s : common_settings()) app.settings.push_back(s);
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "per 5 minutes: " + out + "/per_5m/  rolling: " + out + "/rolling/";
  };
  app.prepare = [](const app_config& c) { return clear_outputs(c, {"per_5m", "rolling", "dead_letters"}); };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    auto spec = generator_from(c, "sales", "sales");
    auto delay = std::chrono::microseconds(c.duration_us("watermark"));
    auto mode = parse_output_mode(c.str("mode"));
    if (!mode || *mode == output_mode::complete)
      throw config_error("setting 'mode' = '" + c.str("mode") + "': expected append or update");
    int partitions = static_cast<int>(c.integer("partitions", 1, 64));
    double rsd = c.number("unique_users.rsd", 0.005, 0.39);
    std::vector<query_plan_ptr> plans;

    pipeline t("revenue-5m");
    apply_common_settings(t, c);
    t.with_dead_letters(out + "/dead_letters/5m");
    auto in = app_inputs(c, {{"sales", "sales", spec, sales_schema()}}, "5m");
    t.source(std::move(in[0]))
        .with_watermark("ts", delay)
        .group_by({keys::col("category"), keys::window("ts", std::chrono::microseconds(c.duration_us("window")))})
        .with_output_mode(*mode)
        .with_partitions(partitions)
        .agg({aggs::sum("amount").as("revenue"), aggs::count().as("orders"),
              aggs::approx_count_distinct("user", rsd).as("unique_users")})
        .to(sinks::jsonl(out + "/per_5m"));
    plans.push_back(t.build());

    pipeline r("revenue-rolling");
    apply_common_settings(r, c);
    r.with_dead_letters(out + "/dead_letters/rolling");
    auto in2 = app_inputs(c, {{"sales", "sales", spec, sales_schema()}}, "rolling");
    r.source(std::move(in2[0]))
        .with_watermark("ts", delay)
        .group_by({keys::col("category"), keys::window("ts", std::chrono::microseconds(c.duration_us("rolling.window")),
                                                       std::chrono::microseconds(c.duration_us("rolling.slide")))})
        .with_output_mode(*mode)
        .with_partitions(partitions)
        .agg({aggs::sum("amount").as("revenue"), aggs::count().as("orders")})
        .to(sinks::jsonl(out + "/rolling"));
    plans.push_back(r.build());
    return plans;
  };
  return app;
}

}  // namespace sluice
