#include "state/deploy/deployment.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"

using namespace sluice;

namespace {

version_manifest manifest(int64_t version, const std::string& state) {
  version_manifest m;
  m.app = "revenue";
  m.version = version;
  m.settings = {{"window", "1m"}, {"kafka.group", "sluice-revenue-v" + std::to_string(version)}};
  m.from = "earliest";
  m.created_us = 1'767'225'600'000'000;
  m.state = state;
  m.state_since_us = m.created_us + 1000;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_deploy_deployment)

BOOST_AUTO_TEST_CASE(versions_and_the_current_link_round_trip) {
  test::temp_dir dir("deployment");
  deployment d(dir.str("revenue"));
  std::vector<version_manifest> all;
  int64_t current = -1;
  BOOST_REQUIRE(d.versions(all).is_ok());
  BOOST_TEST(all.empty());
  BOOST_REQUIRE(d.current(current).is_ok());
  BOOST_TEST(current == 0);
  BOOST_TEST(!d.point_current(1).is_ok());  // no manifest: nothing to point to

  for (int64_t v : {1, 2, 10}) BOOST_REQUIRE(d.write(manifest(v, v == 1 ? "serving" : "catching_up")).is_ok());
  BOOST_REQUIRE(d.point_current(1).is_ok());
  BOOST_REQUIRE(d.point_current(10).is_ok());  // replaces the link
  BOOST_REQUIRE(d.current(current).is_ok());
  BOOST_TEST(current == 10);
  BOOST_TEST(std::filesystem::read_symlink(d.current_path()).string() == "v10");  // relative: the folder can move
  BOOST_TEST(!std::filesystem::exists(d.current_path() + ".new"));

  BOOST_REQUIRE(d.versions(all).is_ok());
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].version == 1);
  BOOST_TEST(all[2].version == 10);  // by number, not by name
  BOOST_TEST(all[2].settings.at("window") == "1m");
  BOOST_TEST(all[2].state == "catching_up");
  BOOST_TEST(all[2].state_since_us == all[2].created_us + 1000);
  BOOST_TEST(d.checkpoint_dir(2) == d.root() + "/v2/_checkpoint");
}

BOOST_AUTO_TEST_CASE(foreign_or_damaged_versions_are_refused) {
  test::temp_dir dir("deployment");
  deployment d(dir.str("app"));
  BOOST_REQUIRE(d.write(manifest(1, "serving")).is_ok());
  std::filesystem::create_directories(d.dir(2));  // a folder v2 sluice did not write
  std::vector<version_manifest> all;
  auto s = d.versions(all);
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("no _version.json") != std::string::npos, s.message());
  std::filesystem::remove_all(d.dir(2));

  auto text = encode_manifest(manifest(1, "serving"));
  version_manifest m;
  BOOST_TEST(decode_manifest(text, m).is_ok());
  auto future = text;
  future.replace(future.find("\"format\":1"), 10, "\"format\":2");
  s = decode_manifest(future, m);
  BOOST_TEST((s.error_code() == status::code::unsupported));
  BOOST_TEST(s.message().find("format 2") != std::string::npos, s.message());
  auto bad_state = text;
  bad_state.replace(bad_state.find("\"serving\""), 9, "\"running\"");
  BOOST_TEST(!decode_manifest(bad_state, m).is_ok());
  BOOST_TEST(!decode_manifest("[1]", m).is_ok());

  std::ofstream(d.dir(1) + "/_version.json") << future;
  s = d.read(1, m);
  BOOST_TEST((s.error_code() == status::code::unsupported));
  BOOST_TEST(s.message().find(d.dir(1)) != std::string::npos, s.message());

  std::filesystem::create_directory_symlink("elsewhere", d.current_path());
  int64_t current = 0;
  BOOST_TEST(!d.current(current).is_ok());  // a link, but not to a version
}

BOOST_AUTO_TEST_SUITE_END()
