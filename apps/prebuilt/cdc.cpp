#include "apps/prebuilt/cdc.hpp"

#include "apps/launch/kafka_input.hpp"

namespace sluice {

app_definition cdc_app() {
  app_definition app;
  app.name = "cdc";
  app.summary =
      "CDC: Debezium change events from Kafka applied to a LevelDB table (MERGE semantics, idempotent "
      "replays, stale changes skipped), with a changelog stream";
  app.settings = {
      {"output", "sluice-output/cdc", "directory for table/, changelog/ and dead_letters/"},
      {"topic", "shop.public.customers", "the Debezium data topic"},
      {"transaction_topic", "shop.transaction", "the transaction metadata topic (empty = no transaction metadata)"},
      {"value_format", "envelope", "envelope (Debezium's) or flattened (the unwrap SMT)"},
      {"primary_key", "id", "the table's key columns, comma-separated (for records without a Kafka key)"},
      {"output.overwrite", "true", "clear table/, changelog/ and dead_letters/ before running"},
  };
  for (auto& s : generator_settings("changes", "change events", "20000", "1000", "10ms")) app.settings.push_back(s);
  for (auto& s : kafka_input_settings()) app.settings.push_back(s);
  for (auto& s : common_settings()) app.settings.push_back(s);
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "table: " + out + "/table/ (sluice table dump " + out + "/table)  changelog: " + out + "/changelog/";
  };
  app.prepare = [](const app_config& c) { return clear_outputs(c, {"table", "changelog", "dead_letters"}); };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    if (c.str("input") != "kafka")
      throw config_error("setting 'input' = '" + c.str("input") + "': the cdc app reads Debezium topics (kafka)");
    auto spec = generator_from(c, "changes", "debezium");
    std::string format = c.str("value_format");
    if (format != "envelope" && format != "flattened")
      throw config_error("setting 'value_format' = '" + format + "': expected envelope or flattened");
    cdc_table_options t;
    t.table_dir = out + "/table";
    t.cdc.data_topic = c.str("topic");
    t.cdc.transaction_topic = c.str("transaction_topic");
    t.cdc.transaction_metadata = !t.cdc.transaction_topic.empty();
    t.cdc.flattened = format == "flattened";
    for (size_t b = 0, e; b <= c.str("primary_key").size(); b = e + 1) {
      e = c.str("primary_key").find(',', b);
      if (e == std::string::npos) e = c.str("primary_key").size();
      if (e > b) t.cdc.primary_key.push_back(c.str("primary_key").substr(b, e - b));
    }
    std::vector<app_input> inputs = {{"changes", t.cdc.data_topic, spec, nullptr}};
    if (t.cdc.transaction_metadata) {
      generator_spec tx = spec;
      tx.kind = "debezium-tx";
      inputs.push_back({"transactions", t.cdc.transaction_topic, tx, nullptr});
    }
    pipeline p("cdc");
    apply_common_settings(p, c);
    p.with_dead_letters(out + "/dead_letters");
    auto in = app_inputs(c, inputs);  // fed together: position n of both topics before n + 1
    auto s = p.source(std::move(in[0]));
    if (in.size() > 1) s = s.union_with(p.source(std::move(in[1])));
    s.apply_cdc(t).to(sinks::jsonl(out + "/changelog"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
