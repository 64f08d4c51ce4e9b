// part_file_writer: JSONL output in one part file per trigger, visible only when finished.
//
// Owner: one sink (file sink, dead-letter output). Plain state, no CAF.
// Rows of trigger k are appended to `<dir>/.part-<k>.jsonl.tmp`; `finish(k)` flushes and
// renames it to `<dir>/part-<k, 8 digits>.jsonl`, so a reader (another query, a user) never
// sees half a file. A trigger with no rows leaves no file. On open, `.tmp` leftovers of a
// trigger that never finished (a crash) are removed: their rows will be written again.
//
// Staged mode (checkpointed queries, docs/checkpoints.md): `finish(k)` syncs the file and
// renames it to `<dir>/.part-<k>.jsonl.pending` — durable, still invisible. When the epoch
// holding k commits, `publish_up_to(k)` renames pending files ≤ k to their final names; on
// recovery, `discard_after(K)` removes pending files of triggers after the last committed one.
// Both renames are followed by an fsync of the directory (a rename is durable only then), so
// a power loss cannot undo a pending file whose epoch committed, or a publish.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "state/store/status.hpp"

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
  void set_staged(bool on) { staged_ = on; }
  /// Staged mode: makes pending files of triggers ≤ `trigger` visible; `files` = how many.
  status publish_up_to(int64_t trigger, int64_t& files);
  /// Staged mode: removes pending files of triggers > `trigger`.
  status discard_after(int64_t trigger);
  std::string final_path(int64_t trigger) const;

 private:
  std::string tmp_path(int64_t trigger) const;
  std::string pending_path(int64_t trigger) const;
  /// Pending files in the directory, by trigger.
  status pending(std::vector<int64_t>& triggers) const;
  /// fsync of the directory, so renames in it survive a power loss.
  [[nodiscard]] status sync_directory() const;
  bool staged_ = false;
  std::string dir_;
  std::string prefix_;
  std::FILE* file_ = nullptr;
  int64_t open_trigger_ = -1;
  int64_t rows_ = 0;
};

}  // namespace sluice
