#include "apps/prebuilt/medallion.hpp"

#include <boost/json.hpp>

#include "apps/prebuilt/prebuilt_app.hpp"

namespace sluice {

app_definition medallion_app() {
  auto app = prebuilt_app(
      "medallion",
      "generated raw events → bronze (raw landing) → silver (parsed, validated) → gold (per type and user per "
      "window); bad records to dead letters; three queries, each with its own trigger and checkpoint",
      {"directory for bronze/, silver/, gold/ and dead_letters/",
       "clear bronze/, silver/, gold/ and dead_letters/ under output"},
      {{"events.count", "20000", "generated events (0 = unbounded, until Ctrl-C)"},
       {"events.rate", "5000", "events per second (0 = as fast as the pipeline takes them)"},
       {"events.seed", "42", "generator seed: the same seed gives the same events"},
       {"events.users", "1000", "distinct users"},
       {"events.malformed", "0.02", "share of malformed events (not JSON, missing ts, wrong type, negative amount)"},
       {"silver.watermark", "10m", "watermark delay on silver's event time"},
       {"silver.trigger", "2s", "silver's own trigger (bronze uses `trigger`)"},
       {"gold.window", "5s", "gold's tumbling event-time window"},
       {"gold.watermark", "2s", "watermark delay on gold's input: a window is written once it is this far behind"},
       {"gold.trigger", "5s", "gold's own trigger"}},
      {}, app_input_kind::generator_only);
  declare_outputs(app,
                  {{"bronze", "bronze"}, {"silver", "silver"}, {"gold", "gold"}, {"dead letters", "dead_letters"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    generator_spec gen = generator_base(c, "events", "events", "events.users");
    gen.malformed_fraction = c.number("events.malformed", 0, 1);

    pipeline bronze = app_pipeline(c, "bronze", out + "/dead_letters/bronze");
    bronze.source(sources::raw(sources::generator("events", gen, sources::events_schema())))
        .to(sinks::jsonl(out + "/bronze"));

    pipeline silver = app_pipeline(c, "silver", out + "/dead_letters/silver");
    silver.with_trigger(c.trigger("silver.trigger"));
    stream silver_rows =
        silver.source(sources::jsonl("bronze", out + "/bronze", raw_landing_schema()))
            .from_json("value", sources::events_schema(), {"ingest_time", "position"})
            .with_watermark("ts", c.duration("silver.watermark"))
            .validate(boost::json::parse(R"(["and", [">=", "amount", 0], ["!=", "user", {"lit": ""}]])"),
                      "amount >= 0 and user is not empty")
            .with_column(
                "amount_cents", column_type::int64,
                [](const record& r) { return value{static_cast<int64_t>(r.num("amount") * 100.0 + 0.5)}; },
                "round(amount * 100)")
            .select({"event_id", "user", "type", "amount", "amount_cents", "ts", "ingest_time", "position"})
            .to(sinks::jsonl(out + "/silver"));

    // Gold reads silver's committed part files as they appear (a file stream source), as
    // silver reads bronze's, by the columns silver writes.
    pipeline gold = app_pipeline(c, "gold", out + "/dead_letters/gold");
    gold.with_trigger(c.trigger("gold.trigger"));
    gold.source(sources::jsonl("silver", out + "/silver", silver_rows.schema()))
        .with_watermark("ts", c.duration("gold.watermark"))
        .group_by({keys::col("type"), keys::col("user"), keys::window("ts", c.duration("gold.window"))})
        .agg({aggs::count().as("events"), aggs::sum("amount_cents").as("amount_cents")})
        .to(sinks::jsonl(out + "/gold"));
    return std::vector<query_plan_ptr>{bronze.build(), silver.build(), gold.build()};
  };
  return app;
}

}  // namespace sluice
