#include "state/io/files/output_folder.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "tests/test_support.hpp"

using namespace sluice;
namespace fs = std::filesystem;

namespace {

output_request request(const std::string& dir, const std::string& owner, bool resuming = false, bool overwrite = false,
                       const std::string& checkpoint = "/ck") {
  return output_request{dir, {owner, checkpoint}, resuming, overwrite};
}

/// Inspects and claims; the message of a refusal, empty when claimed.
std::string claim(const output_request& r, std::unique_ptr<output_claim>& held) {
  output_action a;
  auto s = inspect_output_folder(r, a);
  if (!s.is_ok()) return s.message();
  s = claim_output_folder(r, a, held);
  return s.is_ok() ? std::string{} : s.message();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(state_io_files_output_folder)

BOOST_AUTO_TEST_CASE(a_new_folder_is_created_with_its_identity_and_locked) {
  test::temp_dir d("output-folder");
  std::string dir = d.str("out");
  std::unique_ptr<output_claim> held;
  BOOST_TEST(claim(request(dir, "q"), held).empty());
  BOOST_TEST(fs::exists(fs::path(dir) / output_identity_file));
  std::unique_ptr<output_claim> second;
  auto why = claim(request(dir, "q", true), second);
  BOOST_TEST(why.find("being written by another running query") != std::string::npos, why);
  held.reset();  // the run ends: the lock goes with it
  BOOST_TEST(claim(request(dir, "q", true), second).empty());
}

BOOST_AUTO_TEST_CASE(a_folder_sluice_did_not_write_is_refused_untouched) {
  test::temp_dir d("output-folder");
  std::string dir = d.str("mine");
  fs::create_directories(dir);
  write(fs::path(dir) / "notes.txt", "keep me");
  std::unique_ptr<output_claim> held;
  for (bool overwrite : {false, true}) {
    auto why = claim(request(dir, "q", false, overwrite), held);
    BOOST_TEST(why.find("holds files sluice did not write") != std::string::npos, why);
  }
  BOOST_TEST(fs::exists(fs::path(dir) / "notes.txt"));
  BOOST_TEST(!fs::exists(fs::path(dir) / output_identity_file));
}

BOOST_AUTO_TEST_CASE(earlier_output_is_cleared_only_with_overwrite_and_kept_on_resume) {
  test::temp_dir d("output-folder");
  std::string dir = d.str("out");
  {
    std::unique_ptr<output_claim> held;
    BOOST_REQUIRE(claim(request(dir, "q"), held).empty());
    write(fs::path(dir) / "part-00000001.jsonl", "{}\n");
    write(fs::path(dir) / "_SUCCESS", "");
  }
  std::unique_ptr<output_claim> held;
  auto why = claim(request(dir, "q"), held);
  BOOST_TEST(why.find("holds the output of an earlier run of 'q'") != std::string::npos, why);
  BOOST_TEST(why.find("output.overwrite=true") != std::string::npos, why);
  BOOST_TEST(fs::exists(fs::path(dir) / "part-00000001.jsonl"));
  BOOST_TEST(claim(request(dir, "q", true), held).empty());  // resuming: kept
  BOOST_TEST(fs::exists(fs::path(dir) / "part-00000001.jsonl"));
  held.reset();
  BOOST_TEST(claim(request(dir, "q", false, true), held).empty());  // a fresh start, overwrite: cleared
  BOOST_TEST(!fs::exists(fs::path(dir) / "part-00000001.jsonl"));
  BOOST_TEST(!fs::exists(fs::path(dir) / "_SUCCESS"));
  BOOST_TEST(fs::exists(fs::path(dir) / output_identity_file));
  BOOST_TEST(fs::exists(d.path));  // cleaning stays inside the folder
}

BOOST_AUTO_TEST_CASE(another_owner_or_checkpoint_is_refused_even_with_overwrite) {
  test::temp_dir d("output-folder");
  std::string dir = d.str("out");
  {
    std::unique_ptr<output_claim> held;
    BOOST_REQUIRE(claim(request(dir, "q", false, false, "/ck1"), held).empty());
    write(fs::path(dir) / "part-00000001.jsonl", "{}\n");
  }
  std::unique_ptr<output_claim> held;
  auto why = claim(request(dir, "other", false, true), held);
  BOOST_TEST(why.find("belongs to 'q' (checkpoint /ck1), not 'other'") != std::string::npos, why);
  why = claim(request(dir, "q", true, true, "/ck2"), held);
  BOOST_TEST(why.find("belongs to 'q' (checkpoint /ck1)") != std::string::npos, why);
  BOOST_TEST(fs::exists(fs::path(dir) / "part-00000001.jsonl"));
}

BOOST_AUTO_TEST_CASE(an_identity_of_another_version_or_junk_is_refused) {
  test::temp_dir d("output-folder");
  std::string dir = d.str("out");
  fs::create_directories(dir);
  std::unique_ptr<output_claim> held;
  write(fs::path(dir) / output_identity_file, R"({"format":"sluice-output","version":2,"owner":"q","checkpoint":""})");
  auto why = claim(request(dir, "q"), held);
  BOOST_TEST(why.find("has a version this sluice does not read") != std::string::npos, why);
  write(fs::path(dir) / output_identity_file, "garbage");
  why = claim(request(dir, "q"), held);
  BOOST_TEST(why.find("is not a sluice output identity") != std::string::npos, why);
}

BOOST_AUTO_TEST_SUITE_END()
