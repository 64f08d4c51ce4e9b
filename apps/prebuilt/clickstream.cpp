#include "apps/prebuilt/clickstream.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

namespace {

value ratio(const record& r, const char* num, const char* den) {
  const value& d = r[den];
  if (d.index() != 2 || std::get<int64_t>(d) == 0) return {};
  return value{r.num(num) / r.num(den)};
}
}  // namespace

app_definition clickstream_app() {
  auto app =
      prebuilt_app("clickstream",
                   "clickstream: 30-minute session windows per user (page views, start, end, pages visited) and a "
                   "view → cart → checkout funnel with conversion counts per window",
                   {"directory for sessions/ and funnel/", "clear sessions/ and funnel/"},
                   {{"session.gap", "30m", "a session ends after this much event time without a click"},
                    {"funnel.window", "10m", "funnel window length"},
                    watermark_setting("5m", "a click"),
                    {"partitions", "2", "partitions of the session aggregation (by user)"}},
                   {generator_settings("clicks", "clicks", "20000", "500", "1s")});
  declare_outputs(app, {{"sessions", "sessions"}, {"funnel", "funnel"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    app_input clicks{"clicks", "clicks", generator_from(c, "clicks", "clicks"), generator_schema("clicks")};
    auto delay = c.duration("watermark");
    std::vector<query_plan_ptr> plans;

    pipeline s2 = app_pipeline(c, "clickstream-sessions", out + "/dead_letters/sessions");
    auto flag = [](const char* action) {
      return [a = std::string(action)](const record& r) { return value{int64_t{r.str("action") == a ? 1 : 0}}; };
    };
    s2.source(app_source(c, clicks, "sessions"))
        .with_watermark("ts", delay)
        .with_column("is_checkout", column_type::int64, flag("checkout"), "action = checkout")
        .group_by({keys::col("user"), keys::session_window("ts", c.duration("session.gap"))})
        .with_partitions(app_partitions(c))
        .with_output_columns({"user", "session_start", "session_end", "session_duration_s", "page_views", "pages",
                              "distinct_pages", "checkouts"})
        .agg({aggs::count().as("page_views"), aggs::collect_list("page").as("pages"),
              aggs::approx_count_distinct("page").as("distinct_pages"), aggs::sum("is_checkout").as("checkouts")})
        .to(sinks::jsonl(out + "/sessions"));
    plans.push_back(s2.build());

    pipeline f = app_pipeline(c, "clickstream-funnel", out + "/dead_letters/funnel");
    f.source(app_source(c, clicks, "funnel"))
        .with_watermark("ts", delay)
        .with_column("is_view", column_type::int64, flag("view"), "action = view")
        .with_column("is_cart", column_type::int64, flag("cart"), "action = cart")
        .with_column("is_checkout", column_type::int64, flag("checkout"), "action = checkout")
        .group_by({keys::window("ts", c.duration("funnel.window"))})
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
