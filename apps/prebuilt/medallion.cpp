#include "apps/prebuilt/medallion.hpp"

#include <boost/json.hpp>

namespace sluice {

app_definition medallion_app() {
  app_definition app;
  app.name = "medallion";
  app.summary = "generated raw events → bronze (raw landing) → silver (parsed, validated); bad records to dead letters";
  app.settings = {
      {"output", "sluice-output/medallion", "directory for bronze/, silver/ and dead_letters/"},
      {"events.count", "20000", "generated events (0 = unbounded, until Ctrl-C)"},
      {"events.rate", "5000", "events per second (0 = as fast as the pipeline takes them)"},
      {"events.seed", "42", "generator seed: the same seed gives the same events"},
      {"events.users", "1000", "distinct users"},
      {"events.malformed", "0.02", "share of malformed events (not JSON, missing ts, wrong type, negative amount)"},
      {"silver.watermark", "10m", "watermark delay on silver's event time"},
      {"silver.trigger", "1s", "silver's own trigger (bronze uses `trigger`)"},
      {"output.overwrite", "true", "clear bronze/, silver/ and dead_letters/ under output before running"},
  };
  for (auto& s : common_settings()) app.settings.push_back(s);
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "bronze: " + out + "/bronze/  silver: " + out + "/silver/  dead letters: " + out + "/dead_letters/";
  };
  app.prepare = [](const app_config& c) { return clear_outputs(c, {"bronze", "silver", "dead_letters"}); };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    generator_spec gen;
    gen.kind = "events";
    gen.count = static_cast<uint64_t>(c.integer("events.count", 0, INT64_MAX));
    gen.rate = c.number("events.rate", 0, 1e9);
    gen.seed = static_cast<uint64_t>(c.integer("events.seed", 0, INT64_MAX));
    gen.keys = static_cast<uint64_t>(c.integer("events.users", 1, 1'000'000'000));
    gen.malformed_fraction = c.number("events.malformed", 0, 1);

    pipeline bronze("bronze");
    apply_common_settings(bronze, c);
    bronze.with_dead_letters(out + "/dead_letters/bronze");
    bronze.source(sources::raw(sources::generator("events", gen, sources::events_schema())))
        .to(sinks::jsonl(out + "/bronze"));

    pipeline silver("silver");
    apply_common_settings(silver, c);
    silver.with_trigger(c.trigger("silver.trigger"));
    silver.with_dead_letters(out + "/dead_letters/silver");
    silver.source(sources::jsonl("bronze", out + "/bronze", raw_landing_schema()))
        .from_json("value", sources::events_schema(), {"ingest_time", "position"})
        .with_watermark("ts", std::chrono::microseconds(c.duration_us("silver.watermark")))
        .validate(boost::json::parse(R"(["and", [">=", "amount", 0], ["!=", "user", {"lit": ""}]])"),
                  "amount >= 0 and user is not empty")
        .with_column(
            "amount_cents", column_type::int64,
            [](const record& r) { return value{static_cast<int64_t>(r.num("amount") * 100.0 + 0.5)}; },
            "round(amount * 100)")
        .select({"event_id", "user", "type", "amount", "amount_cents", "ts", "ingest_time", "position"})
        .to(sinks::jsonl(out + "/silver"));
    return std::vector<query_plan_ptr>{bronze.build(), silver.build()};
  };
  return app;
}

}  // namespace sluice
