#include "state/faults/power_loss_env.hpp"

#include <filesystem>
#include <memory>

namespace sluice {
namespace {

std::string directory_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

bool is_manifest(const std::string& name) {
  auto base = name.substr(name.rfind('/') + 1);
  return base.rfind("MANIFEST", 0) == 0;
}

/// Passes every call on and tells the Env what was appended and synced.
class tracked_file final : public leveldb::WritableFile {
 public:
  tracked_file(leveldb::WritableFile* f, std::string name, power_loss_env* env)
      : f_(f), name_(std::move(name)), env_(env) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    auto s = f_->Append(data);
    if (s.ok()) env_->appended(name_, data.size());
    return s;
  }
  leveldb::Status Close() override { return f_->Close(); }
  leveldb::Status Flush() override { return f_->Flush(); }
  leveldb::Status Sync() override {
    auto s = f_->Sync();
    if (s.ok()) env_->synced(name_);
    return s;
  }

 private:
  std::unique_ptr<leveldb::WritableFile> f_;
  std::string name_;
  power_loss_env* env_;
};

}  // namespace

leveldb::Status power_loss_env::NewWritableFile(const std::string& name, leveldb::WritableFile** result) {
  auto s = target()->NewWritableFile(name, result);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    files_[name] = file_state{0, 0, true};
  }
  *result = new tracked_file(*result, name, this);
  return s;
}

leveldb::Status power_loss_env::NewAppendableFile(const std::string& name, leveldb::WritableFile** result) {
  bool existed = target()->FileExists(name);
  uint64_t size = 0;
  if (existed && !target()->GetFileSize(name, &size).ok()) size = 0;
  auto s = target()->NewAppendableFile(name, result);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    auto [it, fresh] = files_.try_emplace(name, file_state{size, size, !existed});
    if (!fresh) it->second.size = size;
  }
  *result = new tracked_file(*result, name, this);
  return s;
}

leveldb::Status power_loss_env::RemoveFile(const std::string& name) {
  auto s = target()->RemoveFile(name);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(name);
  }
  return s;
}

leveldb::Status power_loss_env::RenameFile(const std::string& from, const std::string& to) {
  auto s = target()->RenameFile(from, to);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(from);
    if (it == files_.end()) {
      files_.erase(to);
    } else {
      files_[to] = file_state{it->second.size, it->second.synced, false};  // renames are durable
      files_.erase(it);
    }
  }
  return s;
}

void power_loss_env::appended(const std::string& name, size_t bytes) {
  std::lock_guard lock(mu_);
  files_[name].size += bytes;
}

void power_loss_env::synced(const std::string& name) {
  std::lock_guard lock(mu_);
  auto& f = files_[name];
  f.synced = f.size;
  if (!is_manifest(name)) return;
  auto dir = directory_of(name);  // LevelDB syncs a MANIFEST's directory with it
  for (auto& [other, state] : files_)
    if (directory_of(other) == dir) state.created_since_dir_sync = false;
}

status power_loss_env::drop_unsynced_data() {
  std::lock_guard lock(mu_);
  std::error_code ec;
  for (const auto& [name, f] : files_) {
    if (f.created_since_dir_sync)
      std::filesystem::remove(name, ec);
    else if (std::filesystem::exists(name, ec))
      std::filesystem::resize_file(name, f.synced, ec);
    if (ec) return status::io_error(name + ": " + ec.message());
  }
  files_.clear();
  return status::ok();
}

}  // namespace sluice
