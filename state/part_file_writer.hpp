// part_file_writer: JSONL output in one part file per trigger, visible only when finished.
//
// Owner: one sink (file sink, dead-letter output). Plain state, no CAF.
// Rows of trigger k are appended to `<dir>/.part-<k>.jsonl.tmp`; `finish(k)` flushes and
// renames it to `<dir>/part-<k, 8 digits>.jsonl`, so a reader (another query, a user) never
// sees half a file. A trigger with no rows leaves no file. On open, `.tmp` leftovers of a
// trigger that never finished (a crash) are removed: their rows will be written again.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "state/status.hpp"

namespace sluice {

class part_file_writer {
 public:
  explicit part_file_writer(std::string dir, std::string prefix = "part");
  ~part_file_writer();
  part_file_writer(const part_file_writer&) = delete;
  part_file_writer& operator=(const part_file_writer&) = delete;

  /// Creates the directory and removes unfinished leftovers.
  status open();
  /// Appends one line (a newline is added) to trigger k's file.
  status append(int64_t trigger, std::string_view line);
  /// Makes trigger k's file visible; returns the rows it holds.
  status finish(int64_t trigger, int64_t& rows);
  const std::string& directory() const { return dir_; }
  std::string final_path(int64_t trigger) const;

 private:
  std::string tmp_path(int64_t trigger) const;
  std::string dir_;
  std::string prefix_;
  std::FILE* file_ = nullptr;
  int64_t open_trigger_ = -1;
  int64_t rows_ = 0;
};

}  // namespace sluice
