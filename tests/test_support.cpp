#include "test_support.hpp"

#include <algorithm>
#include <fstream>

namespace sluice::test {

std::vector<std::string> read_lines(const std::string& dir) {
  std::vector<std::string> files, out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".jsonl") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
  }
  return out;
}

}  // namespace sluice::test
