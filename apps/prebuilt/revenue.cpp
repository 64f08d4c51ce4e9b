#include "apps/prebuilt/revenue.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

app_definition revenue_app() {
  auto app =
      prebuilt_app("revenue",
                   "real-time revenue: 5-minute tumbling revenue, orders and approximate unique users per category, "
                   "and a 10-minute window sliding every 2 minutes of rolling revenue",
                   {"directory for per_5m/ and rolling/", "clear per_5m/ and rolling/"},
                   {{"window", "5m", "tumbling window length"},
                    {"rolling.window", "10m", "rolling window length"},
                    {"rolling.slide", "2m", "rolling window slide"},
                    watermark_setting("1m", "a sale"),
                    {"mode", "append", "append (a window once, when closed) or update (changed windows every trigger)"},
                    {"unique_users.rsd", "0.05", "relative standard deviation of the unique-user estimate"},
                    {"partitions", "2", "aggregation partitions (by category)"}},
                   {generator_settings("sales", "sales", "20000", "2000", "200ms")});
  declare_outputs(app, {{"per 5 minutes", "per_5m"}, {"rolling", "rolling"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    app_input sales{"sales", "sales", generator_from(c, "sales", "sales"), generator_schema("sales")};
    auto delay = c.duration("watermark");
    auto mode = parse_output_mode(c.str("mode"));
    if (!mode || *mode == output_mode::complete)
      throw config_error("setting 'mode' = '" + c.str("mode") + "': expected append or update");
    int partitions = app_partitions(c);
    double rsd = c.number("unique_users.rsd", 0.005, 0.39);
    // Both queries: revenue per (category, window) of the same sales, each its own consumer.
    auto query = [&](const std::string& name, group_key window, std::vector<aggregation> aggs, const std::string& dir) {
      pipeline p = app_pipeline(c, "revenue-" + name, out + "/dead_letters/" + name);
      p.source(app_source(c, sales, name))
          .with_watermark("ts", delay)
          .group_by({keys::col("category"), std::move(window)})
          .with_output_mode(*mode)
          .with_partitions(partitions)
          .agg(std::move(aggs))
          .to(sinks::jsonl(out + "/" + dir));
      return p.build();
    };
    std::vector<query_plan_ptr> plans;
    plans.push_back(query("5m", keys::window("ts", c.duration("window")),
                          {aggs::sum("amount").as("revenue"), aggs::count().as("orders"),
                           aggs::approx_count_distinct("user", rsd).as("unique_users")},
                          "per_5m"));
    plans.push_back(query("rolling", keys::window("ts", c.duration("rolling.window"), c.duration("rolling.slide")),
                          {aggs::sum("amount").as("revenue"), aggs::count().as("orders")}, "rolling"));
    return plans;
  };
  return app;
}

}  // namespace sluice
