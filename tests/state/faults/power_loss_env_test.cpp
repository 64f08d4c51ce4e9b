#include "state/faults/power_loss_env.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "state/checkpoint/checkpoint_record.hpp"
#include "state/store/state_store.hpp"
#include "test_support.hpp"

using namespace sluice;

namespace {

/// A checkpoint written as the coordinator writes one (actors/runtime/coordinator.cpp): each
/// epoch's state rows and record in one batch (synced when `sync_commits`), trigger logs and
/// "published" marks unsynced between them.
struct checkpoint_writer {
  explicit checkpoint_writer(std::string d) : dir(std::move(d)) {}
  std::string dir;
  power_loss_env env{leveldb::Env::Default()};
  std::unique_ptr<state_store> store;

  void open() {
    state_store::options o;
    o.env = &env;
    auto s = state_store::open(dir, o, store);
    BOOST_REQUIRE_MESSAGE(s.is_ok(), s.to_string());
  }
  void log_trigger(int64_t k) {
    leveldb::WriteBatch wb;
    wb.Put(trigger_log_key(k), encode_logged_trigger(logged_trigger{k, {"in@" + std::to_string(k)}}));
    BOOST_REQUIRE(store->write(wb, false).is_ok());
  }
  void commit(int64_t epoch, bool sync_commits) {
    leveldb::WriteBatch wb;
    for (int key = 0; key < 50; ++key)
      wb.Put(encode_state_key("join/0", key_kind::committed, "k" + std::to_string(key)),
             "epoch " + std::to_string(epoch) + std::string(200, 'v'));
    epoch_record e;
    e.epoch = epoch;
    e.trigger = epoch;
    e.positions = {"in@" + std::to_string(epoch)};
    wb.Put(epoch_key, encode_epoch(e));
    wb.Delete(trigger_log_key(epoch));
    BOOST_REQUIRE(store->write(wb, sync_commits).is_ok());
    leveldb::WriteBatch published;
    published.Put(published_key, std::to_string(epoch));
    BOOST_REQUIRE(store->write(published, false).is_ok());
  }
  /// Closes the store and cuts the power.
  void power_loss() {
    store.reset();
    auto s = env.drop_unsynced_data();
    BOOST_REQUIRE_MESSAGE(s.is_ok(), s.to_string());
  }
};

/// What a resuming query finds: the last epoch (−1: none), and whether every state row is of it.
int64_t recovered_epoch(const std::string& dir, bool& rows_of_that_epoch) {
  std::unique_ptr<state_store> store;
  auto s = state_store::open(dir, {}, store);
  BOOST_REQUIRE_MESSAGE(s.is_ok(), s.to_string());
  std::string text;
  if (store->get_raw(epoch_key, text).is_not_found()) return rows_of_that_epoch = true, -1;
  epoch_record e;
  BOOST_REQUIRE(decode_epoch(text, e).is_ok());
  int rows = 0;
  bool same = true;
  auto prefix = "epoch " + std::to_string(e.epoch) + "v";
  BOOST_REQUIRE(store
                    ->scan("join/0", key_kind::committed, "",
                           [&](std::string_view, std::string_view v) {
                             same = same && v.substr(0, prefix.size()) == prefix;
                             return ++rows, true;
                           })
                    .is_ok());
  rows_of_that_epoch = same && rows == 50;
  return e.epoch;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_faults_power_loss_env)

// Whenever the power goes, a resumed query finds the last epoch whose commit returned, with
// exactly that epoch's state: a synced commit is durable, whatever came after it is not needed.
BOOST_AUTO_TEST_CASE(a_committed_epoch_survives_a_power_loss_at_any_point) {
  for (int cut_after = 1; cut_after <= 12; cut_after += 3) {
    test::temp_dir dir("power-loss");
    checkpoint_writer w{dir.str("ck")};
    w.open();
    for (int64_t epoch = 1; epoch <= cut_after; ++epoch) {
      w.log_trigger(epoch);
      w.commit(epoch, true);
    }
    w.log_trigger(cut_after + 1);  // the next trigger had started: logged, not committed
    w.power_loss();
    bool whole = false;
    BOOST_TEST(recovered_epoch(dir.str("ck"), whole) == cut_after);
    BOOST_TEST(whole);
  }
}

// The Env has teeth: what was never synced is gone after the cut (here, unsynced commits), so
// the test above would catch a commit written without sync.
BOOST_AUTO_TEST_CASE(unsynced_writes_are_lost_in_a_power_loss) {
  test::temp_dir dir("power-loss");
  checkpoint_writer w{dir.str("ck")};
  w.open();
  w.commit(1, true);
  for (int64_t epoch = 2; epoch <= 6; ++epoch) w.commit(epoch, false);
  w.log_trigger(7);
  w.power_loss();
  bool whole = false;
  BOOST_TEST(recovered_epoch(dir.str("ck"), whole) == 1);
  BOOST_TEST(whole);
  std::unique_ptr<state_store> store;
  BOOST_REQUIRE(state_store::open(dir.str("ck"), {}, store).is_ok());
  std::string v;
  BOOST_TEST(store->get_raw(trigger_log_key(7), v).is_not_found());
}

// Files LevelDB made after the directory was last synced vanish too: a store reopened (new log
// file) and written unsynced loses those writes and still opens.
BOOST_AUTO_TEST_CASE(a_reopened_store_keeps_its_last_synced_epoch) {
  test::temp_dir dir("power-loss");
  checkpoint_writer w{dir.str("ck")};
  w.open();
  w.commit(1, true);
  w.commit(2, true);
  w.store.reset();
  w.open();
  w.commit(3, false);
  w.power_loss();
  bool whole = false;
  BOOST_TEST(recovered_epoch(dir.str("ck"), whole) == 2);
  BOOST_TEST(whole);
}

BOOST_AUTO_TEST_SUITE_END()
