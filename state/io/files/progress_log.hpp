// progress_log: the `--progress FILE` of a run — one JSON line per progress record
// (messages/control/progress.hpp), appended whole. One writer per file, shared by every query
// of the run (their coordinators call `append` from their own threads), so lines never
// interleave, whatever their length. An observer, when given, is handed each line after it is
// written (with no path, only the observer sees them): how the CLI watches a run's progress.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "state/store/status.hpp"

namespace sluice {

class progress_log {
 public:
  explicit progress_log(std::string path, std::function<void(const std::string&)> observe = nullptr)
      : path_(std::move(path)), observe_(std::move(observe)) {}
  ~progress_log();
  progress_log(const progress_log&) = delete;
  progress_log& operator=(const progress_log&) = delete;

  /// Appends `line` and a newline, flushed; opens the file on first use.
  [[nodiscard]] status append(const std::string& line);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::function<void(const std::string&)> observe_;
  std::mutex mu_;
  std::FILE* file_ = nullptr;
};

}  // namespace sluice
