#include "apps/prebuilt/enrich.hpp"

#include <boost/json.hpp>
#include <filesystem>

#include "apps/launch/kafka_input.hpp"
#include "apps/launch/table_feed.hpp"
#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {
namespace {

std::vector<app_setting> purchase_settings() {
  auto s = generator_settings("purchases", "purchases", "20000", "600", "10ms");
  for (auto& setting : s) {
    if (setting.key == "purchases.rate") setting.default_value = "2000";
    if (setting.key == "purchases.keys") setting.help = "distinct product ids purchases name (0 … keys−1)";
  }
  return s;
}

/// The catalog's revisions as the settings give them.
table_revisions catalog(const app_config& c, const std::string& dir) {
  table_revisions t;
  t.path = dir + "/products.jsonl";
  t.spec.kind = "products";
  t.spec.seed = static_cast<uint64_t>(c.integer("products.seed", 0, INT64_MAX));
  t.spec.count = static_cast<uint64_t>(c.integer("products.count", 1, 10'000'000));
  t.growth = static_cast<uint64_t>(c.integer("products.added", 0, 10'000'000));
  t.last = static_cast<uint64_t>(c.integer("products.revisions", 1, 1000));
  t.every = c.duration("products.change_after");
  if (t.last > 1 && t.every.count() <= 0)
    throw config_error("setting 'products.change_after' must be positive when products.revisions > 1");
  return t;
}

/// Where the catalog's revisions go: its file, or the compacted topic `products` on the run's
/// brokers (the embedded broker unless kafka.brokers or --brokers name one).
revision_writer catalog_writer(const app_config& c, const table_revisions& t, dimension_options& d) {
  std::string source = c.str("products.source");
  if (source == "file") {
    d.path = t.path;
    if (!c.runtime) return nullptr;
    return [t](uint64_t r) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(t.path).parent_path(), ec);
      return write_table_revision(t, r);
    };
  }
  if (source != "kafka")
    throw config_error("setting 'products.source' = '" + source + "': expected file, kafka or cdc");
  d.topic = "products";
  d.brokers = c.str("kafka.brokers");
  if (d.brokers.empty()) d.brokers = c.runtime && c.runtime->brokers ? c.runtime->brokers() : "<embedded broker>";
  if (!c.runtime) return nullptr;
  if (c.runtime->create_topic) c.runtime->create_topic(d.topic, 1);
  auto producer = std::make_shared<std::unique_ptr<kafka_producer>>();  // made at the first write
  return [producer, t, topic = d.topic, brokers = d.brokers](uint64_t r) {
    if (!*producer)
      if (auto s = kafka_producer::create(brokers, {}, *producer); !s.is_ok()) return s;
    return produce_table_revision(**producer, topic, t, r);
  };
}

/// The table purchases are looked up in, declared: in a run, once the outputs are claimed,
/// revision 1 is written and the table read, and a table_feed of the run writes the later
/// revisions; `sluice explain` builds the plan and writes and reads nothing.
std::shared_ptr<dimension_table> product_table(const app_config& c, const std::string& dir) {
  table_revisions revisions = catalog(c, dir);
  dimension_options d;
  d.columns = generator_schema("products");
  d.key = "product_id";
  d.refresh_us = c.duration_us("products.refresh");
  if (d.refresh_us <= 0) throw config_error("setting 'products.refresh' must be positive");
  revision_writer write = catalog_writer(c, revisions, d);
  std::shared_ptr<dimension_table> table;
  if (auto s = dimension_table::declare(d, table); !s.is_ok()) throw std::runtime_error(s.message());
  if (!write) return table;
  app_runtime* rt = c.runtime;
  rt->on_start.push_back([rt, table, write, revisions] {
    if (auto s = write(1); !s.is_ok()) throw std::runtime_error(s.message());
    if (auto s = table->start(); !s.is_ok()) throw std::runtime_error(s.message());
    auto feed = std::make_shared<table_feed>(revisions, write);
    rt->checks.push_back([feed] { return feed->error(); });
    rt->keep_alive.push_back(std::move(feed));
  });
  return table;
}

value price_band(const value& price) {
  double p = 0;
  if (!as_double(price, p)) return value{};
  return value{std::string(p < 20 ? "budget" : p < 100 ? "mid" : "premium")};
}

/// The columns both joins add after the product's — price band and amount — and the sink.
void add_amounts_and_write(stream joined, const std::string& out) {
  size_t price = *joined.schema()->index_of("price");
  joined
      .with_column(
          "price_band", column_type::string, [price](const record& r) { return price_band(r.raw().values[price]); },
          "price < 20: budget, < 100: mid, else premium (null without a product)")
      .with_column("amount", boost::json::parse(R"(["*", "quantity", "price"])"))
      .to(sinks::jsonl(out + "/enriched"));
}

/// A product change read as a version: the product's columns (only the key in a delete's
/// before image), the delete flag and when the change was made.
schema_ptr product_version_schema() {
  std::vector<column> cols = generator_schema("products")->columns();
  for (auto& col : cols) col.required = col.name == "product_id";
  cols.push_back(column{"__deleted", column_type::boolean});
  cols.push_back(column{"__source_ts_ms", column_type::timestamp});
  return std::make_shared<const schema>(std::move(cols), "__source_ts_ms");
}

/// products.source=cdc: the catalog is the Debezium changelog topic `products-cdc`, fed with
/// generated product changes beside the purchases (change n touches product n mod
/// products.count, made at its event time); each purchase joins the product version valid at
/// its own event time — a temporal join, the same on a replay.
std::vector<query_plan_ptr> temporal_enrich(const app_config& c, const std::string& out) {
  if (c.str("input") != "kafka")
    throw config_error("setting 'products.source' = 'cdc' reads the changelog from Kafka; drop --set input=" +
                       c.str("input"));
  generator_spec purchases_spec = generator_from(c, "purchases", "purchases");
  generator_spec changes;
  changes.kind = "product-changes";
  changes.seed = static_cast<uint64_t>(c.integer("products.seed", 0, INT64_MAX));
  changes.keys = static_cast<uint64_t>(c.integer("products.count", 1, 10'000'000));
  changes.spacing_us = c.duration_us("products.change_every");
  if (changes.spacing_us <= 0) throw config_error("setting 'products.change_every' must be positive");
  // Changes up to the last purchase's time, no further: the changelog's watermark then stays
  // ahead of the purchases' to the end, and no versions past the purchases are kept.
  int64_t span_us = static_cast<int64_t>(purchases_spec.count) * purchases_spec.spacing_us;
  changes.count = purchases_spec.count == 0 ? 0 : static_cast<uint64_t>(span_us / changes.spacing_us) + 1;
  auto delay = c.duration("products.delay");
  if (delay.count() < 0) throw config_error("setting 'products.delay' must not be negative");
  auto sources = app_inputs(c, {app_input{"purchases", "purchases", purchases_spec, generator_schema("purchases")},
                                app_input{"products", "products-cdc", changes, product_version_schema()}});
  pipeline p = app_pipeline(c, "enrich", out + "/dead_letters");
  stream probe = p.source(std::move(sources[0])).with_watermark("ts", delay);
  stream versions = p.source(sources::debezium(std::move(sources[1]))).with_watermark("__source_ts_ms", delay);
  temporal_join_options o;
  o.on = {{"product_id", "product_id"}};
  o.deleted = "__deleted";
  o.columns = {"name", "category", "price", "catalog_revision"};
  add_amounts_and_write(probe.temporal_join(versions, o), out);
  return std::vector<query_plan_ptr>{p.build()};
}

}  // namespace

app_definition enrich_app() {
  auto app = prebuilt_app(
      "enrich",
      "purchases enriched with their product (name, category, price band) by a lookup join against a product "
      "catalog that changes while the app runs; later purchases see the change",
      {"directory for enriched/, products/ (the catalog the app writes and changes) and dead_letters/",
       "clear enriched/ and dead_letters/"},
      {{"products.count", "500", "products in the first revision of the catalog"},
       {"products.added", "50", "products each later revision adds"},
       {"products.revisions", "2", "the catalog's last revision (1 = it never changes)"},
       {"products.change_after", "5s", "processing time between two revisions of the catalog"},
       {"products.source", "file",
        "where the catalog lives: file (output/products/products.jsonl) or kafka (the compacted topic products, "
        "followed as it changes), both looked up as they are now; or cdc (the Debezium changelog topic "
        "products-cdc, each purchase joined with the product as it was at the purchase's event time)"},
       {"products.change_every", "100ms", "cdc: event time between two product changes"},
       {"products.delay", "2s", "cdc: how late purchases and product changes may come (the watermark delay)"},
       {"products.refresh", "1s",
        "how often the lookup table checks the catalog file for a change (kafka: swaps in what came, at most this "
        "often)"},
       {"products.seed", "7", "catalog generator seed"}},
      {purchase_settings()});
  declare_outputs(app, {{"enriched", "enriched"}, {"products", "products"}, {"dead letters", "dead_letters"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    if (c.str("products.source") == "cdc") return temporal_enrich(c, out);
    app_input purchases{"purchases", "purchases", generator_from(c, "purchases", "purchases"),
                        generator_schema("purchases")};
    pipeline p = app_pipeline(c, "enrich", out + "/dead_letters");
    source_spec source = app_source(c, purchases);
    auto table = product_table(c, out + "/products");
    add_amounts_and_write(p.source(std::move(source)).lookup("product_id", std::move(table)), out);
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
