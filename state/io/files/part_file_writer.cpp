#include "state/io/files/part_file_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice {
namespace fs = std::filesystem;

part_file_writer::part_file_writer(std::string dir, std::string prefix)
    : dir_(std::move(dir)), prefix_(std::move(prefix)) {}

part_file_writer::~part_file_writer() {
  if (file_) std::fclose(file_);
}

std::string part_file_writer::tmp_path(int64_t trigger) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, ".%s-%08lld.jsonl.tmp", prefix_.c_str(), static_cast<long long>(trigger));
  return (fs::path(dir_) / buf).string();
}

std::string part_file_writer::pending_path(int64_t trigger) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, ".%s-%08lld.jsonl.pending", prefix_.c_str(), static_cast<long long>(trigger));
  return (fs::path(dir_) / buf).string();
}

status part_file_writer::pending(std::vector<int64_t>& triggers) const {
  triggers.clear();
  std::error_code ec;
  std::string head = "." + prefix_ + "-", tail = ".jsonl.pending";
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    auto name = e.path().filename().string();
    if (name.size() <= head.size() + tail.size() || name.compare(0, head.size(), head) != 0 ||
        name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
      continue;
    auto digits = name.substr(head.size(), name.size() - head.size() - tail.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    triggers.push_back(std::stoll(digits));
  }
  if (ec) return status::io_error("cannot list '" + dir_ + "': " + ec.message());
  std::sort(triggers.begin(), triggers.end());
  return status::ok();
}

status part_file_writer::sync_directory() const {
  int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return status::io_error("cannot open '" + dir_ + "' to sync it: " + std::strerror(errno));
  bool ok = ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) return status::io_error("cannot sync directory '" + dir_ + "': " + std::strerror(err));
  return status::ok();
}

status part_file_writer::publish_up_to(int64_t trigger, int64_t& files) {
  files = 0;
  std::vector<int64_t> ts;
  auto s = pending(ts);
  if (!s.is_ok()) return s;
  for (int64_t t : ts) {
    if (t > trigger) break;
    std::error_code ec;
    fs::rename(pending_path(t), final_path(t), ec);
    if (ec) return status::io_error("cannot publish '" + final_path(t) + "': " + ec.message());
    ++files;
  }
  return files > 0 ? sync_directory() : status::ok();  // the renames survive a power loss
}

status part_file_writer::discard_after(int64_t trigger) {
  std::vector<int64_t> ts;
  auto s = pending(ts);
  if (!s.is_ok()) return s;
  for (int64_t t : ts) {
    if (t <= trigger) continue;
    std::error_code ec;
    fs::remove(pending_path(t), ec);
    if (ec) return status::io_error("cannot remove '" + pending_path(t) + "': " + ec.message());
  }
  return status::ok();
}

std::string part_file_writer::final_path(int64_t trigger) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%08lld.jsonl", prefix_.c_str(), static_cast<long long>(trigger));
  return (fs::path(dir_) / buf).string();
}

status part_file_writer::open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return status::io_error("cannot create output directory '" + dir_ + "': " + ec.message());
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    auto name = e.path().filename().string();
    if (name.size() > 4 && name[0] == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0) fs::remove(e.path(), ec);
  }
  return status::ok();
}

status part_file_writer::append(int64_t trigger, std::string_view line) {
  if (open_trigger_ != trigger) {
    if (file_) {
      int64_t ignored;
      auto s = finish(open_trigger_, ignored);
      if (!s.is_ok()) return s;
    }
    file_ = std::fopen(tmp_path(trigger).c_str(), "wb");
    if (!file_) return status::io_error("cannot write '" + tmp_path(trigger) + "': " + std::strerror(errno));
    open_trigger_ = trigger;
    rows_ = 0;
  }
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF)
    return status::io_error("write to '" + tmp_path(trigger) + "' failed: " + std::strerror(errno));
  ++rows_;
  return status::ok();
}

status part_file_writer::finish(int64_t trigger, int64_t& rows) {
  rows = 0;
  if (!file_ || open_trigger_ != trigger) return status::ok();
  bool ok = std::fflush(file_) == 0;
  if (ok && staged_) ok = ::fsync(fileno(file_)) == 0;  // durable before its epoch commits
  std::fclose(file_);
  file_ = nullptr;
  open_trigger_ = -1;
  rows = rows_;
  if (!ok) return status::io_error("flush of '" + tmp_path(trigger) + "' failed");
  std::error_code ec;
  auto to = staged_ ? pending_path(trigger) : final_path(trigger);
  fs::rename(tmp_path(trigger), to, ec);
  if (ec) return status::io_error("cannot rename '" + tmp_path(trigger) + "' to '" + to + "': " + ec.message());
  // Staged: the pending file must exist after a power loss once its epoch commits.
  return staged_ ? sync_directory() : status::ok();
}

}  // namespace sluice
