// power_loss_env: a leveldb::Env that can forget what an operating system would lose in a
// power cut — the "power loss" of LevelDB's own fault-injection test
// (leveldb/db/fault_injection_test.cc), used to check that what a checkpoint says is committed
// survives one.
//
// Owner: a test; it must outlive every store opened on it. Every call goes to the wrapped Env
// (a real directory); the Env remembers, per file written through it, how many bytes were
// appended and how many of them a Sync() made durable, and which files were created since the
// directory was last synced (LevelDB syncs the directory when it syncs a MANIFEST file).
// drop_unsynced_data(), called with every store on it closed, makes the directory what a power
// cut would have left: each file cut back to its synced length, each file created since the
// last directory sync removed. Renames are taken as durable.
#pragma once

#include <leveldb/env.h>

#include <map>
#include <mutex>
#include <string>

#include "state/store/status.hpp"

namespace sluice {

class power_loss_env final : public leveldb::EnvWrapper {
 public:
  explicit power_loss_env(leveldb::Env* base) : leveldb::EnvWrapper(base) {}

  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** result) override;
  leveldb::Status RemoveFile(const std::string& name) override;
  leveldb::Status RenameFile(const std::string& from, const std::string& to) override;

  /// The power cut: unsynced bytes and files of unsynced directories are gone.
  [[nodiscard]] status drop_unsynced_data();

  // Called by the files this Env hands out.
  void appended(const std::string& name, size_t bytes);
  void synced(const std::string& name);

 private:
  struct file_state {
    size_t size = 0;
    size_t synced = 0;
    bool created_since_dir_sync = false;
  };
  std::mutex mu_;
  std::map<std::string, file_state> files_;
};

}  // namespace sluice
