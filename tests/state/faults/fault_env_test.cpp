#include "state/faults/fault_env.hpp"

#include <leveldb/helpers/memenv.h>

#include <boost/test/unit_test.hpp>

#include "state/store/state_store.hpp"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_faults_fault_env)

BOOST_AUTO_TEST_CASE(the_kth_synced_write_fails_and_a_reopen_recovers) {
  std::unique_ptr<leveldb::Env> mem(leveldb::NewMemEnv(leveldb::Env::Default()));
  auto faults = std::make_shared<fault_plan>();
  BOOST_REQUIRE(faults->arm("leveldb:sync:2").is_ok());
  fault_env env(mem.get(), faults);
  state_store::options o;
  o.env = &env;
  std::unique_ptr<state_store> store;
  BOOST_REQUIRE(state_store::open("/cp", o, store).is_ok());
  leveldb::WriteBatch a;
  a.Put("k1", "v1");
  BOOST_TEST(store->write(a, true).is_ok());
  leveldb::WriteBatch b;
  b.Put("k2", "v2");
  auto s = store->write(b, true);
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.to_string().find("leveldb:sync") != std::string::npos);
  leveldb::WriteBatch c;
  c.Put("k3", "v3");
  BOOST_TEST(!store->write(c, true).is_ok());  // LevelDB keeps the error …
  BOOST_REQUIRE(store->reopen().is_ok());      // … until reopened
  BOOST_TEST(store->write(c, true).is_ok());
  std::string v;
  BOOST_TEST(store->get_raw("k1", v).is_ok());
  BOOST_TEST(store->get_raw("k3", v).is_ok());
  // Unsynced writes do not count as hits.
  leveldb::WriteBatch d;
  d.Put("k4", "v4");
  BOOST_TEST(store->write(d, false).is_ok());
}

BOOST_AUTO_TEST_SUITE_END()
