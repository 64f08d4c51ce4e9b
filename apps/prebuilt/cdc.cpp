#include "apps/prebuilt/cdc.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"

namespace sluice {

app_definition cdc_app() {
  auto app = prebuilt_app(
      "cdc",
      "CDC: Debezium change events from Kafka applied to a LevelDB table (MERGE semantics, idempotent "
      "replays, stale changes skipped), with a changelog stream",
      {"directory for table/, changelog/ and dead_letters/", "clear table/, changelog/ and dead_letters/"},
      {{"topic", "shop.public.customers", "the Debezium data topic"},
       {"transaction_topic", "shop.transaction", "the transaction metadata topic (empty = no transaction metadata)"},
       {"value_format", "envelope", "envelope (Debezium's) or flattened (the unwrap SMT)"},
       {"primary_key", "id", "the table's key columns, comma-separated (for records without a Kafka key)"}},
      {generator_settings("changes", "change events", "20000", "1000", "10ms")});
  app.outputs = [](const app_config& c) {
    auto out = c.directory("output");
    return "table: " + out + "/table/ (sluice table dump " + out + "/table)  changelog: " + out + "/changelog/";
  };
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
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
    pipeline p = app_pipeline(c, "cdc", out + "/dead_letters");
    auto in = app_inputs(c, inputs);  // fed together: position n of both topics before n + 1
    auto s = p.source(std::move(in[0]));
    if (in.size() > 1) s = s.union_with(p.source(std::move(in[1])));
    s.apply_cdc(t).to(sinks::jsonl(out + "/changelog"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
