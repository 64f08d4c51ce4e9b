#include "test_support.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
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

int run_sluice(const std::string& args, std::string& out, const std::string& cwd) {
  std::string cmd = "cd '" + cwd + "' && " + std::string(SLUICE_BINARY) + " " + args + " 2>&1";
  out.clear();
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace sluice::test
