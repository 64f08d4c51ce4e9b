#include "state/keyed_state.hpp"

#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include <atomic>
#include <boost/test/unit_test.hpp>

using namespace sluice;

namespace {

// LevelDB's fault-injection idea: an Env whose files fail writes while `fail` is set.
class failing_env : public leveldb::EnvWrapper {
 public:
  explicit failing_env(leveldb::Env* base) : leveldb::EnvWrapper(base) {}
  std::atomic<bool> fail{false};

  class file : public leveldb::WritableFile {
   public:
    file(leveldb::WritableFile* f, std::atomic<bool>& fail) : f_(f), fail_(fail) {}
    ~file() override { delete f_; }
    leveldb::Status Append(const leveldb::Slice& d) override {
      return fail_ ? leveldb::Status::IOError("injected write failure") : f_->Append(d);
    }
    leveldb::Status Close() override { return f_->Close(); }
    leveldb::Status Flush() override {
      return fail_ ? leveldb::Status::IOError("injected flush failure") : f_->Flush();
    }
    leveldb::Status Sync() override { return fail_ ? leveldb::Status::IOError("injected sync failure") : f_->Sync(); }

   private:
    leveldb::WritableFile* f_;
    std::atomic<bool>& fail_;
  };

  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** result) override {
    leveldb::WritableFile* f;
    auto s = target()->NewWritableFile(name, &f);
    if (s.ok()) *result = new file(f, fail);
    return s;
  }
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** result) override {
    leveldb::WritableFile* f;
    auto s = target()->NewAppendableFile(name, &f);
    if (s.ok()) *result = new file(f, fail);
    return s;
  }
};

struct fixture {
  std::unique_ptr<leveldb::Env> mem{leveldb::NewMemEnv(leveldb::Env::Default())};
  failing_env env{mem.get()};
  std::unique_ptr<state_store> store;
  void open() {
    store.reset();
    state_store::options o;
    o.env = &env;
    auto st = state_store::open("/db", o, store);
    BOOST_REQUIRE_MESSAGE(st.is_ok(), st.to_string());
  }
  fixture() { open(); }
  void commit(keyed_state& ks) {
    leveldb::WriteBatch b;
    BOOST_REQUIRE(ks.write_changes(b).is_ok());
    BOOST_REQUIRE(store->write(b, true).is_ok());
    ks.changes_committed();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(state_keyed_state, fixture)

BOOST_AUTO_TEST_CASE(get_put_erase_in_memory) {
  keyed_state ks(*store, "op/0", 1 << 20);
  std::string v;
  BOOST_TEST(ks.get("a", v).is_not_found());
  BOOST_TEST(ks.put("a", "1").is_ok());
  BOOST_TEST(ks.get("a", v).is_ok());
  BOOST_TEST(v == "1");
  BOOST_TEST(ks.erase("a").is_ok());
  BOOST_TEST(ks.get("a", v).is_not_found());
}

BOOST_AUTO_TEST_CASE(only_committed_changes_survive_a_restart) {
  {
    keyed_state ks(*store, "op/0", 1 << 20);
    BOOST_TEST(ks.put("kept", "1").is_ok());
    BOOST_TEST(ks.put("gone", "1").is_ok());
    commit(ks);
    BOOST_TEST(ks.erase("gone").is_ok());
    commit(ks);
    BOOST_TEST(ks.put("uncommitted", "x").is_ok());
  }
  open();
  keyed_state ks(*store, "op/0", 1 << 20);
  std::string v;
  BOOST_TEST(ks.get("kept", v).is_ok());
  BOOST_TEST(ks.get("gone", v).is_not_found());
  BOOST_TEST(ks.get("uncommitted", v).is_not_found());
}

BOOST_AUTO_TEST_CASE(spills_past_budget_and_keeps_the_merged_view) {
  keyed_state ks(*store, "op/0", 16 * 1024);
  std::string big(200, 'x');
  for (int i = 0; i < 1000; ++i) BOOST_REQUIRE(ks.put("k" + std::to_string(i), big + std::to_string(i)).is_ok());
  BOOST_TEST(ks.memory_used_bytes() <= 16u * 1024u);
  BOOST_TEST(ks.spill_count() > 0u);
  std::string v;
  BOOST_TEST(ks.get("k7", v).is_ok());
  BOOST_TEST(v == big + "7");
  BOOST_TEST(ks.erase("k8").is_ok());
  size_t n = 0;
  BOOST_TEST(ks.for_each([&](const std::string&, const std::string&) { return ++n, true; }).is_ok());
  BOOST_TEST(n == 999u);
  commit(ks);
  BOOST_TEST(ks.spilled_entries() == 0u);
  open();  // reopen: everything committed is there, read back lazily within the budget
  keyed_state again(*store, "op/0", 16 * 1024);
  BOOST_TEST(again.get("k999", v).is_ok());
  BOOST_TEST(v == big + "999");
  BOOST_TEST(again.get("k8", v).is_not_found());
  n = 0;
  BOOST_TEST(again.for_each([&](const std::string&, const std::string&) { return ++n, true; }).is_ok());
  BOOST_TEST(n == 999u);
}

BOOST_AUTO_TEST_CASE(uncommitted_spill_is_invisible_after_restart) {
  {
    keyed_state ks(*store, "op/0", 4 * 1024);
    for (int i = 0; i < 200; ++i) BOOST_REQUIRE(ks.put("k" + std::to_string(i), std::string(100, 'y')).is_ok());
    BOOST_TEST(ks.spill_count() > 0u);
  }
  open();
  keyed_state ks(*store, "op/0", 4 * 1024);
  size_t n = 0;
  BOOST_TEST(ks.for_each([&](const std::string&, const std::string&) { return ++n, true; }).is_ok());
  BOOST_TEST(n == 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_write_is_an_error_value_and_nothing_is_committed) {
  keyed_state ks(*store, "op/0", 1 << 20);
  BOOST_TEST(ks.put("a", "1").is_ok());
  leveldb::WriteBatch b;
  BOOST_TEST(ks.write_changes(b).is_ok());
  env.fail = true;
  auto st = store->write(b, true);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("injected") != std::string::npos);
  env.fail = false;
}

BOOST_AUTO_TEST_SUITE_END()
