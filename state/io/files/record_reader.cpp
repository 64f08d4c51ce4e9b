#include "state/io/files/record_reader.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sluice {

status record_reader::read_until(const std::string& target, int64_t now_us, std::vector<raw_record>& out) {
  using clock = std::chrono::steady_clock;
  auto quiet_since = clock::now();
  while (position() != target) {
    std::string before = position();
    auto s = read(1, now_us, out);
    if (!s.is_ok()) return s;
    if (position() != before) {
      quiet_since = clock::now();
      continue;
    }
    if (exhausted() || clock::now() - quiet_since > std::chrono::seconds(30))
      return status::io_error(description() + ": cannot read a logged trigger again up to " + target +
                              " (it stops at " + position() + "): the input changed since the trigger ran");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status::ok();
}
namespace fs = std::filesystem;

bool is_jsonl_data_file(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '_') return false;
  auto ext = fs::path(name).extension().string();
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson";
}

jsonl_reader::jsonl_reader(std::string path, bool bounded, size_t max_files)
    : path_(std::move(path)), bounded_(bounded), max_files_(max_files) {}

std::vector<std::string> jsonl_reader::list_files(status& st) const {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_regular_file(path_, ec)) {
    files.push_back(fs::path(path_).filename().string());
    return files;
  }
  if (!fs::is_directory(path_, ec)) {
    if (!bounded_) return files;  // a streaming source may start before its directory exists
    st = status::not_found("input path '" + path_ + "' is neither a file nor a directory");
    return files;
  }
  for (const auto& e : fs::directory_iterator(path_, ec)) {
    auto name = e.path().filename().string();
    if (e.is_regular_file() && is_jsonl_data_file(name)) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

status jsonl_reader::read(size_t max, int64_t, std::vector<raw_record>& out) {
  status st;
  std::error_code ec;
  bool complete = !bounded_ && fs::exists(fs::path(path_) / "_SUCCESS", ec);  // before listing
  auto files = list_files(st);
  if (!st.is_ok()) return st;
  bool single = fs::is_regular_file(path_);
  size_t taken = 0;
  auto it = std::lower_bound(files.begin(), files.end(), file_);
  drained_ = false;
  size_t files_used = 0;  // files this read took records from (maxFilesPerTrigger)
  for (; it != files.end() && (max == 0 || taken < max); ++it) {
    if (*it != file_ && max_files_ != 0 && files_used >= max_files_) return status::ok();  // the next trigger's
    size_t before = taken;
    if (*it != file_) {
      file_ = *it;
      offset_ = 0;
      line_ = 0;
    }
    std::string full = single ? path_ : (fs::path(path_) / file_).string();
    std::ifstream in(full, std::ios::binary);
    if (!in) return status::io_error("cannot open '" + full + "'");
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while ((max == 0 || taken < max) && std::getline(in, line)) {
      bool complete = !in.eof();
      if (!complete && !bounded_) break;  // a line still being written
      offset_ += line.size() + (complete ? 1 : 0);
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      out.push_back(raw_record{std::move(line), "file:" + full + ":" + std::to_string(line_), line_, nullptr});
      ++taken;
    }
    if (taken > before) ++files_used;
    if (max != 0 && taken >= max) return status::ok();
  }
  drained_ = true;
  complete_ = complete;
  return status::ok();
}

std::string jsonl_reader::position() const {
  return file_ + ":" + std::to_string(offset_) + ":" + std::to_string(line_);
}

status jsonl_reader::seek(const std::string& pos) {
  auto b = pos.rfind(':');
  auto a = b == std::string::npos || b == 0 ? std::string::npos : pos.rfind(':', b - 1);
  if (a == std::string::npos) return status::invalid_argument("file position '" + pos + "' is not file:offset:line");
  try {
    file_ = pos.substr(0, a);
    offset_ = std::stoull(pos.substr(a + 1, b - a - 1));
    line_ = std::stoull(pos.substr(b + 1));
  } catch (const std::exception&) {
    return status::invalid_argument("file position '" + pos + "' is not file:offset:line");
  }
  drained_ = false;
  return status::ok();
}

status memory_reader::read(size_t max, int64_t, std::vector<raw_record>& out) {
  std::lock_guard<std::mutex> g(channel_->mu);
  size_t end = channel_->records.size();
  if (max != 0) end = std::min(end, next_ + max);
  for (; next_ < end; ++next_) out.push_back(raw_record{channel_->records[next_], {}, next_, nullptr});
  return status::ok();
}

bool memory_reader::exhausted() const {
  std::lock_guard<std::mutex> g(channel_->mu);
  return channel_->closed && next_ >= channel_->records.size();
}

status memory_reader::seek(const std::string& position) {
  try {
    next_ = std::stoull(position);
  } catch (const std::exception&) {
    return status::invalid_argument("memory position '" + position + "' is not a record index");
  }
  return status::ok();
}

}  // namespace sluice
