#include "state/store/state_store.hpp"

#include <leveldb/helpers/memenv.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

using namespace sluice;

namespace {
struct mem_store {
  std::unique_ptr<leveldb::Env> env{leveldb::NewMemEnv(leveldb::Env::Default())};
  std::unique_ptr<state_store> open() {
    std::unique_ptr<state_store> s;
    state_store::options o;
    o.env = env.get();
    auto st = state_store::open("/db", o, s);
    BOOST_REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    return s;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(state_store_state_store)

BOOST_AUTO_TEST_CASE(namespaces_do_not_see_each_other) {
  mem_store m;
  auto s = m.open();
  BOOST_TEST(s->put("join/0", key_kind::committed, "k1", "a").is_ok());
  BOOST_TEST(s->put("join/1", key_kind::committed, "k1", "b").is_ok());
  BOOST_TEST(s->put("join/0", key_kind::committed, "k2", "c").is_ok());
  std::string v;
  BOOST_TEST(s->get("join/1", key_kind::committed, "k1", v).is_ok());
  BOOST_TEST(v == "b");
  std::vector<std::string> seen;
  BOOST_TEST(s->scan("join/0", key_kind::committed, "", [&](std::string_view k, std::string_view val) {
                seen.push_back(std::string(k) + "=" + std::string(val));
                return true;
              }).is_ok());
  BOOST_TEST(seen == (std::vector<std::string>{"k1=a", "k2=c"}), boost::test_tools::per_element());
  BOOST_TEST(s->get("join/2", key_kind::committed, "k1", v).is_not_found());
}

BOOST_AUTO_TEST_CASE(prefix_scan_stops_at_prefix) {
  mem_store m;
  auto s = m.open();
  for (auto k : {"a1", "a2", "b1"}) BOOST_TEST(s->put("op/0", key_kind::committed, k, "x").is_ok());
  int n = 0;
  BOOST_TEST(
      s->scan("op/0", key_kind::committed, "a", [&](std::string_view, std::string_view) { return ++n, true; }).is_ok());
  BOOST_TEST(n == 2);
}

BOOST_AUTO_TEST_CASE(spilled_entries_do_not_survive_reopen) {
  mem_store m;
  {
    auto s = m.open();
    BOOST_TEST(s->put("op/0", key_kind::spilled, "k", "vtmp").is_ok());
    BOOST_TEST(s->put("op/0", key_kind::committed, "k", "kept").is_ok());
  }
  auto s = m.open();
  std::string v;
  BOOST_TEST(s->get("op/0", key_kind::spilled, "k", v).is_not_found());
  BOOST_TEST(s->get("op/0", key_kind::committed, "k", v).is_ok());
  BOOST_TEST(v == "kept");
}

BOOST_AUTO_TEST_CASE(key_format_is_versioned) {
  std::string k = encode_state_key("op/3", key_kind::committed, "user");
  std::string ns, user;
  key_kind kind;
  BOOST_TEST(decode_state_key(k, ns, kind, user).is_ok());
  BOOST_TEST(ns == "op/3");
  BOOST_TEST(user == "user");
  k[1] = 0x02;
  auto st = decode_state_key(k, ns, kind, user);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("version 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(real_directory_and_lock_error) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::unique_ptr<state_store> a, b;
  BOOST_TEST(state_store::open(dir.string(), {}, a).is_ok());
  auto st = state_store::open(dir.string(), {}, b);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("lock") != std::string::npos);
  a.reset();
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_directory_with_files_but_no_database_is_refused_untouched) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-store-foreign-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "1.log") << "a user's file"; }  // LevelDB would delete a file of this name
  std::unique_ptr<state_store> s;
  auto st = state_store::open(dir.string(), {}, s);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("no LevelDB database") != std::string::npos, st.to_string());
  BOOST_TEST(std::filesystem::exists(dir / "1.log"));
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_damaged_log_fails_the_open) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice-store-damaged-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    std::unique_ptr<state_store> s;
    BOOST_REQUIRE(state_store::open(dir.string(), {}, s).is_ok());
    for (int i = 0; i < 1000; ++i) {  // ~110 KB: more than one 32 KiB log block
      leveldb::WriteBatch wb;
      wb.Put("k" + std::to_string(i), std::string(100, static_cast<char>('a' + i % 26)));
      BOOST_REQUIRE(s->write(wb, true).is_ok());
    }
  }
  std::filesystem::path log;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".log") log = e.path();
  BOOST_REQUIRE(!log.empty());
  {  // flip one byte inside the first block: a record's checksum no longer matches. (Damage in
     // the last block can look like a torn final write, which LevelDB drops by design.)
    std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(10000);
    char c;
    f.get(c);
    f.seekp(10000);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  std::unique_ptr<state_store> s;
  BOOST_TEST(!state_store::open(dir.string(), {}, s).is_ok());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
