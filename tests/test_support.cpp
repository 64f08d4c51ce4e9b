#include "test_support.hpp"

#include <signal.h>
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
  return shell("cd '" + cwd + "' && " + std::string(SLUICE_BINARY) + " " + args, out);
}

int shell(const std::string& command, std::string& out) {
  out.clear();
  std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

background_process::background_process(const std::string& command, const std::string& log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    std::string full = "exec " + command + " > '" + log + "' 2>&1";
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

background_process::~background_process() {
  if (pid_ > 0) stop(5);
}

bool background_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
  return false;
}

int background_process::stop(int timeout_s) {
  if (pid_ <= 0) return code_;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < timeout_s * 20; ++i) {
    if (!running()) return code_;
    ::usleep(50000);
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

std::vector<std::string> kcat_consume(const std::string& brokers, const std::string& topic, const std::string& format) {
  std::string out;
  std::string cmd = "timeout 30 kcat -b " + brokers + " -C -t " + topic + " -o beginning -e -q -u -f '" + format + "'";
  shell(cmd + " 2>/dev/null", out);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    lines.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace sluice::test
