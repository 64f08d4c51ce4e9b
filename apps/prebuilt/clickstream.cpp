#include "apps/prebuilt/clickstream.hpp"

#include "apps/launch/kafka_input.hpp"

namespace sluice {

namespace {
schema_ptr clicks_schema() {
  return std::make_shared<const schema>(std::vector<column>{{"user", column_type::string, true, time_unit::millis},
                                                            {"page", column_type::string, true, time_unit::millis},
                                                            {"action", column_type::string, true, time_unit::millis},
                                                            {"ts", column_type::timestamp, true, time_unit::millis}},
                                        "ts");
}

value ratio(const record& r, const char* num, const char* den) {
  const value& d = r[den];
  if (d.index() != 2 || std::get<int64_t>(d) == 0) return {};
  return value{r.num(num) / r.num(den)};
}
}  // namespace

app_definition clickstream_app() {
  app_definition app;
  app.name = "clickstream";
  app.summary =
      "clickstream: 30-minute session windows per user (page views, start, end, pages visited) and a "
      "view → cart → checkout funnel with conversion counts per window";
  app.settings = {
      {"output", "sluice-output/clickstream", "directory for sessions/ and funnel/"},
      {"session.gap", "30m", "a session ends after this much event time without a click"},
      {"funnel.window", "10m", "funnel window length"},
      {"watermark", "5m", "how late a click may arrive (watermark delay on ts)"},
      {"partitions", "2", "partitions of the session aggregation (by user)"},
      {"output.overwrite", "true", "clear sessions/ and funnel/ before running"},
  };
  for (auto& s : generator_settings("clicks", "clicks", "20000", "500", "1s")) app.settings.push_back(s);
  for (auto& s : kafka_input_settings()) app.settings.push_back(s);
  for (auto& s : common_settings()) app.settings.push_back(s);
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "sessions: " + out + "/sessions/  funnel: " + out + "/funnel/";
  };
  app.prepare = [](const app_config& c) { return clear_outputs(c, {"sessions", "funnel", "dead_letters"}); };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    auto spec = generator_from(c, "clicks", "clicks");
    auto delay = std::chrono::microseconds(c.duration_us("watermark"));
    std::vector<query_plan_ptr> plans;

    pipeline s2("clickstream-sessions");
    apply_common_settings(s2, c);
    s2.with_dead_letters(out + "/dead_letters/sessions");
    auto in1 = app_inputs(c, {{"clicks", "clicks", spec, clicks_schema()}}, "sessions");
    auto flag = [](const char* action) {
      return [a = std::string(action)](const record& r) { return value{int64_t{r.str("action") == a ? 1 : 0}}; };
    };
    s2.source(std::move(in1[0]))
        .with_watermark("ts", delay)
        .with_column("is_checkout", column_type::int64, flag("checkout"), "action = checkout")
        .group_by(
            {keys::col("user"), keys::session_window("ts", std::chrono::microseconds(c.duration_us("session.gap")))})
        .with_partitions(static_cast<int>(c.integer("partitions", 1, 64)))
        .with_output_columns({"user", "session_start", "session_end", "session_duration_s", "page_views", "pages",
                              "distinct_pages", "checkouts"})
        .agg({aggs::count().as("page_views"), aggs::collect_list("page").as("pages"),
              aggs::approx_count_distinct("page").as("distinct_pages"), aggs::sum("is_checkout").as("checkouts")})
        .to(sinks::jsonl(out + "/sessions"));
    plans.push_back(s2.build());

    pipeline f("clickstream-funnel");
    apply_common_settings(f, c);
    f.with_dead_letters(out + "/dead_letters/funnel");
    auto in2 = app_inputs(c, {{"clicks", "clicks", spec, clicks_schema()}}, "funnel");
    f.source(std::move(in2[0]))
        .with_watermark("ts", delay)
        .with_column("is_view", column_type::int64, flag("view"), "action = view")
        .with_column("is_cart", column_type::int64, flag("cart"), "action = cart")
        .with_column("is_checkout", column_type::int64, flag("checkout"), "action = checkout")
        .group_by({keys::window("ts", std::chrono::microseconds(c.duration_us("funnel.window")))})
        .agg({aggs::sum("is_view").as("views"), aggs::sum("is_cart").as("carts"),
              aggs::sum("is_checkout").as("checkouts"), aggs::approx_count_distinct("user").as("visitors")})
        .with_column(
            "view_to_cart", column_type::float64, [](const record& r) { return ratio(r, "carts", "views"); },
            "carts / views")
        .with_column(
            "cart_to_checkout", column_type::float64, [](const record& r) { return ratio(r, "checkouts", "carts"); },
            "checkouts / carts")
        .with_column(
            "view_to_checkout", column_type::float64, [](const record& r) { return ratio(r, "checkouts", "views"); },
            "checkouts / views")
        .to(sinks::jsonl(out + "/funnel"));
    plans.push_back(f.build());
    return plans;
  };
  return app;
}

}  // namespace sluice
