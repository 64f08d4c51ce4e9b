#include "state/io/files/record_reader.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace sluice;
namespace fs = std::filesystem;

namespace {
struct temp_dir {
  fs::path path =
      fs::temp_directory_path() / ("sluice-reader-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) { std::ofstream(path / name) << text; }
};
std::vector<std::string> payloads(const std::vector<raw_record>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.payload);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(state_io_files_record_reader)

BOOST_AUTO_TEST_CASE(directory_in_name_order_skipping_hidden_and_blank) {
  temp_dir d;
  d.write("b.jsonl", "{\"n\":3}\n\n{\"n\":4}\n");
  d.write("a.jsonl", "{\"n\":1}\n{\"n\":2}\n");
  d.write(".hidden.jsonl.tmp", "{\"n\":99}\n");
  d.write("_SUCCESS", "");
  d.write("notes.txt", "ignored\n");
  jsonl_reader r(d.path.string(), true);
  std::vector<raw_record> out;
  BOOST_TEST(r.read(3, 0, out).is_ok());
  BOOST_TEST(payloads(out) == (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}),
             boost::test_tools::per_element());
  BOOST_TEST(!r.exhausted());
  BOOST_TEST(out[2].origin.find("b.jsonl:1") != std::string::npos);
  std::string pos = r.position();
  out.clear();
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(payloads(out) == std::vector<std::string>{"{\"n\":4}"}, boost::test_tools::per_element());
  BOOST_TEST(r.exhausted());
  // seek back: the same records again (deterministic replay)
  jsonl_reader again(d.path.string(), true);
  BOOST_TEST(again.seek(pos).is_ok());
  out.clear();
  BOOST_TEST(again.read(0, 0, out).is_ok());
  BOOST_TEST(payloads(out) == std::vector<std::string>{"{\"n\":4}"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(streaming_follows_new_files_until_success_marker) {
  temp_dir d;
  jsonl_reader r(d.path.string(), false);
  std::vector<raw_record> out;
  d.write("p1.jsonl", "{\"n\":1}\n{\"n\":2");  // second line still being written
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(out.size() == 1u);
  BOOST_TEST(!r.exhausted());
  d.write("p1.jsonl", "{\"n\":1}\n{\"n\":2}\n");
  d.write("p2.jsonl", "{\"n\":3}\n");
  out.clear();
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(out.size() == 2u);
  BOOST_TEST(!r.exhausted());
  d.write("_SUCCESS", "");
  out.clear();
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(out.empty());
  BOOST_TEST(r.exhausted());
}

// Spark's maxFilesPerTrigger: a read takes records from at most N files; a file a read goes on
// with (cut by the record cap) counts once, and the next file waits for the next read.
BOOST_AUTO_TEST_CASE(max_files_per_trigger_caps_the_files_of_a_read) {
  temp_dir d;
  d.write("a.jsonl", "{\"n\":1}\n{\"n\":2}\n");
  d.write("b.jsonl", "{\"n\":3}\n");
  d.write("c.jsonl", "{\"n\":4}\n");
  jsonl_reader r(d.path.string(), true, 1);
  std::vector<raw_record> out;
  BOOST_TEST(r.read(1, 0, out).is_ok());
  BOOST_TEST(payloads(out) == std::vector<std::string>{"{\"n\":1}"}, boost::test_tools::per_element());
  for (const char* want : {"{\"n\":2}", "{\"n\":3}", "{\"n\":4}"}) {
    out.clear();
    BOOST_TEST(r.read(0, 0, out).is_ok());
    BOOST_TEST(payloads(out) == std::vector<std::string>{want}, boost::test_tools::per_element());
  }
  out.clear();
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(out.empty());
  BOOST_TEST(r.exhausted());
}

BOOST_AUTO_TEST_CASE(missing_path_is_an_error_for_bounded_reads) {
  jsonl_reader r("/nonexistent/sluice/input", true);
  std::vector<raw_record> out;
  auto st = r.read(0, 0, out);
  BOOST_TEST(!st.is_ok());
  BOOST_TEST(st.message().find("/nonexistent/sluice/input") != std::string::npos);
  BOOST_TEST(!r.seek("garbage").is_ok());
}

BOOST_AUTO_TEST_CASE(memory_reader_positions) {
  auto ch = std::make_shared<memory_reader::channel>();
  memory_reader r(ch, "m");
  ch->push("a");
  ch->push("b");
  std::vector<raw_record> out;
  BOOST_TEST(r.read(1, 0, out).is_ok());
  BOOST_TEST(r.position() == "1");
  BOOST_TEST(!r.exhausted());
  ch->close();
  BOOST_TEST(r.read(0, 0, out).is_ok());
  BOOST_TEST(out.size() == 2u);
  BOOST_TEST(r.exhausted());
}

BOOST_AUTO_TEST_SUITE_END()
