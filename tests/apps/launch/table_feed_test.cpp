#include "apps/launch/table_feed.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>
#include <thread>

#include "test_support.hpp"

using namespace sluice;

namespace {

table_revisions products(const std::string& path, uint64_t last, std::chrono::microseconds every) {
  table_revisions t;
  t.path = path;
  t.spec.kind = "products";
  t.spec.seed = 7;
  t.spec.count = 100;
  t.growth = 10;
  t.last = last;
  t.every = every;
  return t;
}

/// The revisions found in the file's lines, and its line count.
std::set<int64_t> revisions_in(const std::string& path, size_t& lines) {
  std::set<int64_t> out;
  auto text = test::split_lines(test::read_file(path));
  lines = text.size();
  for (const auto& l : text) out.insert(boost::json::parse(l).as_object()["catalog_revision"].as_int64());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apps_launch_table_feed)

BOOST_AUTO_TEST_CASE(a_revision_is_written_whole_with_the_rows_it_has) {
  test::temp_dir dir("table-feed");
  auto t = products(dir.str("p.jsonl"), 1, {});
  BOOST_REQUIRE(write_table_revision(t, 3).is_ok());
  size_t lines = 0;
  BOOST_TEST((revisions_in(t.path, lines) == std::set<int64_t>{3}));
  BOOST_TEST(lines == 120u);  // 100 + 2 × 10
  BOOST_TEST(!std::filesystem::exists(t.path + ".writing"));
  // Some products changed from revision 1 to 3, not all.
  generator_spec g = t.spec;
  int changed = 0;
  for (uint64_t n = 0; n < 100; ++n) {
    g.revision = 1;
    auto before = generate_record(g, n);
    g.revision = 3;
    changed +=
        boost::json::parse(before).as_object()["name"] != boost::json::parse(generate_record(g, n)).as_object()["name"];
  }
  BOOST_TEST(changed > 30);
  BOOST_TEST(changed < 70);  // 1 − 0.7² = 51 % expected
}

BOOST_AUTO_TEST_CASE(the_feed_writes_each_later_revision_in_turn_and_stops_when_destroyed) {
  test::temp_dir dir("table-feed");
  auto t = products(dir.str("p.jsonl"), 3, std::chrono::milliseconds(50));
  BOOST_REQUIRE(write_table_revision(t, 1).is_ok());
  {
    table_feed feed(t, [&t](uint64_t r) { return write_table_revision(t, r); });
    size_t lines = 0;
    for (int i = 0; i < 200 && revisions_in(t.path, lines) != std::set<int64_t>{3}; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST((revisions_in(t.path, lines) == std::set<int64_t>{3}));
    BOOST_TEST(lines == 120u);
    BOOST_TEST(feed.error().empty());
  }
  auto slow = products(dir.str("q.jsonl"), 2, std::chrono::hours(1));
  BOOST_REQUIRE(write_table_revision(slow, 1).is_ok());
  {
    table_feed feed(slow, [&slow](uint64_t r) { return write_table_revision(slow, r); });
  }  // stops without waiting the hour: revision 2 never written
  size_t lines = 0;
  BOOST_TEST((revisions_in(slow.path, lines) == std::set<int64_t>{1}));
}

BOOST_AUTO_TEST_SUITE_END()
