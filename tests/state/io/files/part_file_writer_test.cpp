#include "state/io/files/part_file_writer.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace sluice;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(state_io_files_part_file_writer)

BOOST_AUTO_TEST_CASE(visible_only_when_finished_and_leftovers_removed) {
  auto dir = fs::temp_directory_path() / ("sluice-parts-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    part_file_writer w(dir.string());
    BOOST_TEST(w.open().is_ok());
    BOOST_TEST(w.append(3, "{\"a\":1}").is_ok());
    BOOST_TEST(!fs::exists(w.final_path(3)));
    int64_t rows = 0;
    BOOST_TEST(w.finish(3, rows).is_ok());
    BOOST_TEST(rows == 1);
    BOOST_TEST(fs::exists(w.final_path(3)));
    BOOST_TEST(w.append(4, "{\"a\":2}").is_ok());  // trigger 4 never finishes: a crash
  }
  size_t tmp = 0;
  for (auto& e : fs::directory_iterator(dir)) tmp += e.path().extension() == ".tmp";
  BOOST_TEST(tmp == 1u);
  part_file_writer again(dir.string());
  BOOST_TEST(again.open().is_ok());
  tmp = 0;
  for (auto& e : fs::directory_iterator(dir)) tmp += e.path().extension() == ".tmp";
  BOOST_TEST(tmp == 0u);
  int64_t rows = -1;
  BOOST_TEST(again.finish(9, rows).is_ok());  // nothing written: no file
  BOOST_TEST(rows == 0);
  BOOST_TEST(!fs::exists(again.final_path(9)));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(unwritable_directory_is_an_error) {
  part_file_writer w("/proc/sluice-cannot-write-here");
  auto st = w.open();
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("/proc/sluice-cannot-write-here") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(staged_parts_wait_for_their_epoch) {
  auto dir = fs::temp_directory_path() / ("sluice-staged-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  int64_t rows = 0, files = 0;
  {
    part_file_writer w(dir.string());
    BOOST_TEST(w.open().is_ok());
    w.set_staged(true);
    for (int64_t t : {1, 2, 3}) {
      BOOST_TEST(w.append(t, "{\"t\":" + std::to_string(t) + "}").is_ok());
      BOOST_TEST(w.finish(t, rows).is_ok());
      BOOST_TEST(!fs::exists(w.final_path(t)));  // staged: durable but invisible
    }
    BOOST_TEST(w.publish_up_to(2, files).is_ok());  // the epoch ending with trigger 2 committed
    BOOST_TEST(files == 2);
    BOOST_TEST(fs::exists(w.final_path(1)));
    BOOST_TEST(fs::exists(w.final_path(2)));
    BOOST_TEST(!fs::exists(w.final_path(3)));
  }
  // Recovery after a crash: the last committed epoch ended with trigger 2; trigger 3's part
  // belongs to an epoch that never committed and goes.
  part_file_writer again(dir.string());
  BOOST_TEST(again.open().is_ok());
  again.set_staged(true);
  BOOST_TEST(again.discard_after(2).is_ok());
  BOOST_TEST(again.publish_up_to(10, files).is_ok());
  BOOST_TEST(files == 0);
  BOOST_TEST(!fs::exists(again.final_path(3)));
  size_t hidden = 0;
  for (auto& e : fs::directory_iterator(dir)) hidden += e.path().filename().string()[0] == '.';
  BOOST_TEST(hidden == 0u);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
