#include "state/io/files/progress_log.hpp"

#include <cerrno>
#include <cstring>

namespace sluice {

progress_log::~progress_log() {
  if (file_) std::fclose(file_);
}

status progress_log::append(const std::string& line) {
  std::lock_guard<std::mutex> g(mu_);
  if (!path_.empty()) {
    if (!file_) file_ = std::fopen(path_.c_str(), "a");
    if (!file_) return status::io_error("progress file " + path_ + ": " + std::strerror(errno));
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF ||
        std::fflush(file_) != 0)
      return status::io_error("progress file " + path_ + ": " + std::strerror(errno));
  }
  if (observe_) observe_(line);
  return status::ok();
}

}  // namespace sluice
