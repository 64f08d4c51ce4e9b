#include "state/store/state_delta.hpp"

#include <boost/test/unit_test.hpp>
#include <map>

using namespace sluice;

namespace {

using rows = std::map<std::string, std::string>;

state_delta diff(delta_baseline& b, const rows& state) {
  state_delta d;
  b.diff(
      [&](const state_store::row_writer& put) {
        for (const auto& [k, v] : state) put(k, v);
      },
      d);
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_store_state_delta)

BOOST_AUTO_TEST_CASE(first_epoch_writes_everything_then_only_changes) {
  delta_baseline b;
  auto d1 = diff(b, {{"a", "1"}, {"b", "2"}});
  BOOST_TEST(d1.puts.size() == 2u);
  BOOST_TEST(d1.deletes.empty());
  BOOST_TEST(d1.rows == 2);
  auto d2 = diff(b, {{"a", "1"}, {"b", "2"}});  // nothing changed: an empty delta
  BOOST_TEST(d2.puts.empty());
  BOOST_TEST(d2.deletes.empty());
  auto d3 = diff(b, {{"a", "9"}, {"c", "3"}});  // a changed, b went, c came
  BOOST_REQUIRE(d3.puts.size() == 2u);
  std::map<std::string, std::string> puts(d3.puts.begin(), d3.puts.end());
  BOOST_TEST(puts["a"] == "9");
  BOOST_TEST(puts["c"] == "3");
  BOOST_REQUIRE(d3.deletes.size() == 1u);
  BOOST_TEST(d3.deletes[0] == "b");
  BOOST_TEST(b.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_seeded_baseline_diffs_against_what_is_committed) {
  // After a restore the baseline is the store's rows: unchanged rows are not rewritten and
  // rows that moved to another key are deleted under the old one.
  delta_baseline b;
  b.seed("k1", "x");
  b.seed("k2", "y");
  auto d = diff(b, {{"k1", "x"}, {"k3", "y"}});
  BOOST_REQUIRE(d.puts.size() == 1u);
  BOOST_TEST(d.puts[0].first == "k3");
  BOOST_REQUIRE(d.deletes.size() == 1u);
  BOOST_TEST(d.deletes[0] == "k2");
}

BOOST_AUTO_TEST_CASE(batch_holds_committed_keys_of_the_namespace) {
  state_delta d;
  d.ns = "join/0";
  d.puts = {{"a", "1"}};
  d.deletes = {"b"};
  leveldb::WriteBatch wb;
  add_to_batch(d, wb);
  struct seen : leveldb::WriteBatch::Handler {
    std::vector<std::string> puts, dels;
    void Put(const leveldb::Slice& k, const leveldb::Slice&) override { puts.push_back(k.ToString()); }
    void Delete(const leveldb::Slice& k) override { dels.push_back(k.ToString()); }
  } h;
  BOOST_TEST(wb.Iterate(&h).ok());
  BOOST_REQUIRE(h.puts.size() == 1u);
  BOOST_TEST(h.puts[0] == encode_state_key("join/0", key_kind::committed, "a"));
  BOOST_REQUIRE(h.dels.size() == 1u);
  BOOST_TEST(h.dels[0] == encode_state_key("join/0", key_kind::committed, "b"));
}

BOOST_AUTO_TEST_SUITE_END()
