// One progress writer shared by several threads (the coordinators of a run's queries): long
// lines from all of them arrive whole, never interleaved.
#include "state/io/files/progress_log.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(state_io_files_progress_log)

BOOST_AUTO_TEST_CASE(long_lines_from_several_writers_stay_whole) {
  auto path = std::filesystem::temp_directory_path() / ("sluice-progress-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    progress_log log(path.string());
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&log, w] {
        std::string line(20000, static_cast<char>('a' + w));  // far past stdio's 4 KiB buffer
        for (int i = 0; i < 50; ++i) BOOST_REQUIRE(log.append(line).is_ok());
      });
    for (auto& t : writers) t.join();
  }
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    BOOST_REQUIRE_EQUAL(line.size(), 20000u);
    BOOST_REQUIRE(line.find_first_not_of(line[0]) == std::string::npos);
  }
  BOOST_TEST(lines == 200);
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(an_unwritable_file_is_an_error_value) {
  progress_log log("/nonexistent-dir/progress.jsonl");
  auto s = log.append("{}");
  BOOST_TEST(!s.is_ok());
  BOOST_TEST(s.message().find("/nonexistent-dir/progress.jsonl") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
