#include "test_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "messages/data/time.hpp"

namespace sluice::test {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

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
  // A run that hangs fails its test with what it printed (exit 124) instead of the whole
  // suite timing out with nothing to show.
  return shell("cd '" + cwd + "' && timeout -k 10 200 " + std::string(SLUICE_BINARY) + " " + args, out);
}

int run_app(const std::string& app, const std::string& args, const std::string& output, std::string& out) {
  return run_sluice("run " + app + " " + args + " --set output=" + output, out);
}

generator_spec generated(const std::string& kind, uint64_t count, uint64_t seed, uint64_t keys, int64_t spacing_us) {
  generator_spec g;
  g.kind = kind;
  g.count = count;
  g.seed = seed;
  g.keys = keys;
  g.spacing_us = spacing_us;
  return g;
}

std::string generator_args(const std::string& prefix, const generator_spec& g) {
  return " --set " + prefix + ".count=" + std::to_string(g.count) + " --set " + prefix +
         ".keys=" + std::to_string(g.keys) + " --set " + prefix + ".seed=" + std::to_string(g.seed);
}

std::string generator_run_args(const std::string& prefix, const generator_spec& g, int64_t per_trigger) {
  return "--set input=generator" + generator_args(prefix, g) +
         " --set trigger=available_now --set max_records_per_trigger=" + std::to_string(per_trigger);
}

int64_t for_each_generated(const generator_spec& g,
                           const std::function<void(uint64_t n, boost::json::object& record, int64_t ts_us)>& f) {
  int64_t max_ts = INT64_MIN;
  for (uint64_t n = 0; n < g.count; ++n)
    for (const auto& line : split_lines(generate_record(g, n))) {  // a retry: the record twice
      auto o = boost::json::parse(line).as_object();
      int64_t ts = o["ts"].as_int64() * 1000;
      max_ts = std::max(max_ts, ts);
      f(n, o, ts);
    }
  return max_ts;
}

bool wait_for(const std::function<bool()>& done, int seconds) {
  for (int i = 0; i < seconds * 10 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return done();
}

int64_t iso_us(const boost::json::value& v) {
  auto us = parse_iso8601_us(std::string_view(v.as_string()));
  if (!us) throw std::invalid_argument("not an ISO-8601 time: " + boost::json::serialize(v));
  return *us;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
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

std::string start_broker(std::unique_ptr<background_process>& broker, const std::string& args, const std::string& log) {
  broker = std::make_unique<background_process>(std::string(SLUICE_BINARY) + " broker " + args, log);
  std::string address, text;
  for (int i = 0; i < 100 && address.empty(); ++i) {
    shell("cat " + log, text);
    if (text.rfind("127.0.0.1:", 0) == 0 && text.find('\n') != std::string::npos)
      address = text.substr(0, text.find('\n'));
    if (address.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return address;
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

int background_process::wait(int timeout_s) {
  for (int i = 0; i < timeout_s * 20; ++i) {
    if (!running()) return code_;
    ::usleep(50000);
  }
  return stop(5);
}

int64_t background_process::rss_kib() const {
  if (pid_ <= 0) return -1;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

int background_process::stop(int timeout_s, int signal) {
  if (pid_ <= 0) return code_;
  ::kill(pid_, signal);
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
  return split_lines(out);
}

}  // namespace sluice::test
