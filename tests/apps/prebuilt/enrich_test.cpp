// enrich end to end through the binary over the embedded Kafka broker: every purchase comes out
// once, with the product columns of the catalog revision its row names (worked out here from
// the generator), or nulls when that revision has no such product; the catalog changes while
// the app runs and the purchases after the change see it; the progress records show the
// table's version, size and miss rate. The catalog changes 5 s into the run, halfway through the
// feed: the consumer's first read comes 2–3 s in (its group join), so both revisions are seen.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <set>

#include "test_support.hpp"

using namespace sluice;

namespace {

constexpr uint64_t purchases = 9000, products = 300, added = 30, product_ids = 360;

const generator_spec input = test::generated("purchases", purchases, 5, product_ids, 10'000);

// Product `id` of catalog revision `revision` (the app's default seed, 7).
boost::json::object product(uint64_t id, int64_t revision) {
  generator_spec g;
  g.kind = "products";
  g.seed = 7;
  g.revision = static_cast<uint64_t>(revision);
  return boost::json::parse(generate_record(g, id)).as_object();
}

std::string band(double price) {
  return price < 20 ? "budget" : price < 100 ? "mid" : "premium";
}

/// Runs the app with the catalog in `source` (file or kafka) and checks its output and progress.
void check_enrich(const std::string& source) {
  test::temp_dir dir("enrich");
  std::string out;
  std::string progress = dir.str("progress.jsonl");
  BOOST_REQUIRE_EQUAL(test::run_app("enrich",
                                    test::generator_args("purchases", input) +
                                        " --set purchases.rate=1000 --set products.count=" + std::to_string(products) +
                                        " --set products.added=" + std::to_string(added) +
                                        " --set products.change_after=5s --set products.refresh=100ms"
                                        " --set trigger=200ms --set kafka.partitions=1 --set products.source=" +
                                        source + " --progress " + progress,
                                    dir.str("out"), out),
                      0);
  std::vector<boost::json::object> want;
  test::for_each_generated(input, [&](uint64_t, boost::json::object& o, int64_t) { want.push_back(o); });

  std::set<int64_t> seen;
  int64_t misses = 0, last_rev1 = -1, first_rev2 = INT64_MAX;
  for (const auto& line : test::read_lines(dir.str("out/enriched"))) {
    auto o = boost::json::parse(line).as_object();
    int64_t id = o["purchase_id"].as_int64();
    BOOST_REQUIRE_MESSAGE(id >= 0 && id < static_cast<int64_t>(purchases) && seen.insert(id).second,
                          "unexpected or repeated purchase " << line);
    const auto& p = want[static_cast<size_t>(id)];
    for (const char* c : {"user", "product_id", "quantity"}) BOOST_TEST(o[c] == p.at(c), line);
    uint64_t product_id = static_cast<uint64_t>(o["product_id"].as_int64());
    if (o["catalog_revision"].is_null()) {  // no such product in the revision it saw
      ++misses;
      BOOST_TEST(product_id >= products, line);
      for (const char* c : {"name", "category", "price", "price_band", "amount"}) BOOST_TEST(o[c].is_null(), line);
      continue;
    }
    int64_t revision = o["catalog_revision"].as_int64();
    BOOST_TEST(product_id < products + added * static_cast<uint64_t>(revision - 1), line);
    auto expected = product(product_id, revision);
    for (const char* c : {"name", "category"}) BOOST_TEST(o[c] == expected[c], line);
    double price = expected["price"].to_number<double>();
    BOOST_TEST(o["price"].to_number<double>() == price, line);
    BOOST_TEST(std::string(o["price_band"].as_string()) == band(price), line);
    BOOST_TEST(std::fabs(o["amount"].to_number<double>() - price * o["quantity"].to_number<double>()) < 1e-9, line);
    if (revision == 1) last_rev1 = std::max(last_rev1, id);
    if (revision == 2) first_rev2 = std::min(first_rev2, id);
  }
  BOOST_TEST(seen.size() == purchases);
  // One partition: purchases are read in order, and the catalog only moves forward (a file
  // revision is swapped in whole; a topic's version may hold part of one being produced).
  BOOST_TEST(last_rev1 >= 0);
  BOOST_TEST(first_rev2 < static_cast<int64_t>(purchases));
  if (source == "file") BOOST_TEST(last_rev1 < first_rev2);

  auto lines = test::split_lines(test::read_file(progress));
  BOOST_REQUIRE(!lines.empty());
  auto last = boost::json::parse(lines.back()).as_object();
  const auto& table = last["lookups"].as_array().at(0).as_object();
  BOOST_TEST(table.at("version").as_int64() >= 2);
  BOOST_TEST(table.at("numRows").as_int64() == static_cast<int64_t>(products + added));
  BOOST_TEST(table.at("numLookups").as_int64() == static_cast<int64_t>(purchases));
  BOOST_TEST(table.at("numMisses").as_int64() == misses);
  BOOST_TEST(table.at("description").as_string().find(source == "kafka" ? "kafka:products" : "products.jsonl") !=
             std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_prebuilt_enrich)

BOOST_AUTO_TEST_CASE(purchases_get_the_product_of_the_revision_they_saw_and_see_the_catalog_file_change) {
  check_enrich("file");
}

BOOST_AUTO_TEST_CASE(the_catalog_as_a_compacted_topic_is_followed_the_same_way) {
  check_enrich("kafka");
}

BOOST_AUTO_TEST_SUITE_END()
