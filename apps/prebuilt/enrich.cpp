#include "apps/prebuilt/enrich.hpp"

#include <boost/json.hpp>
#include <filesystem>

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

/// The catalog's revisions as the settings give them: revision 1 written when the run starts,
/// the later ones by a table_feed of the run.
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

void write_first_revision(const table_revisions& t, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (auto s = write_table_revision(t, 1); !s.is_ok()) throw std::runtime_error(s.message());
}

value price_band(const value& price) {
  double p = 0;
  if (!as_double(price, p)) return value{};
  return value{std::string(p < 20 ? "budget" : p < 100 ? "mid" : "premium")};
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
       {"products.refresh", "1s", "how often the lookup table checks the catalog file for a change"},
       {"products.seed", "7", "catalog generator seed"}},
      {purchase_settings()});
  declare_outputs(app, {{"enriched", "enriched"}, {"products", "products"}, {"dead letters", "dead_letters"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    std::string products_dir = out + "/products";
    table_revisions revisions = catalog(c, products_dir);
    dimension_options d;
    d.path = revisions.path;
    d.columns = generator_schema("products");
    d.key = "product_id";
    d.refresh_us = c.duration_us("products.refresh");
    if (d.refresh_us <= 0) throw config_error("setting 'products.refresh' must be positive");
    app_input purchases{"purchases", "purchases", generator_from(c, "purchases", "purchases"),
                        generator_schema("purchases")};
    pipeline p = app_pipeline(c, "enrich", out + "/dead_letters");
    source_spec source = app_source(c, purchases);

    // `sluice explain` builds the plan and starts nothing: the catalog is written and read only
    // by a run.
    std::shared_ptr<dimension_table> table;
    if (c.runtime) write_first_revision(revisions, products_dir);
    auto opened = c.runtime ? dimension_table::open(d, table) : dimension_table::declare(d, table);
    if (!opened.is_ok()) throw std::runtime_error(opened.message());
    if (c.runtime) {
      auto feed = std::make_shared<table_feed>(revisions);
      c.runtime->checks.push_back([feed] { return feed->error(); });
      c.runtime->keep_alive.push_back(std::move(feed));
    }
    stream joined = p.source(std::move(source)).lookup("product_id", std::move(table));
    size_t price = *joined.schema()->index_of("price");
    joined
        .with_column(
            "price_band", column_type::string, [price](const record& r) { return price_band(r.raw().values[price]); },
            "price < 20: budget, < 100: mid, else premium (null without a product)")
        .with_column("amount", boost::json::parse(R"(["*", "quantity", "price"])"))
        .to(sinks::jsonl(out + "/enriched"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
