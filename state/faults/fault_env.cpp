#include "state/faults/fault_env.hpp"

#include <memory>

namespace sluice {
namespace {

class failing_log final : public leveldb::WritableFile {
 public:
  failing_log(leveldb::WritableFile* f, std::string name, fault_plan_ptr faults)
      : f_(f), name_(std::move(name)), faults_(std::move(faults)) {}
  leveldb::Status Append(const leveldb::Slice& data) override { return f_->Append(data); }
  leveldb::Status Close() override { return f_->Close(); }
  leveldb::Status Flush() override { return f_->Flush(); }
  leveldb::Status Sync() override {
    if (faults_->hit("leveldb:sync")) return leveldb::Status::IOError(name_, "fault injected at leveldb:sync");
    return f_->Sync();
  }

 private:
  std::unique_ptr<leveldb::WritableFile> f_;
  std::string name_;
  fault_plan_ptr faults_;
};

bool is_log(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
}

}  // namespace

leveldb::Status fault_env::wrap(const std::string& name, leveldb::Status s, leveldb::WritableFile** result) {
  if (s.ok() && faults_ && is_log(name)) *result = new failing_log(*result, name, faults_);
  return s;
}

leveldb::Status fault_env::NewWritableFile(const std::string& name, leveldb::WritableFile** result) {
  return wrap(name, target()->NewWritableFile(name, result), result);
}

leveldb::Status fault_env::NewAppendableFile(const std::string& name, leveldb::WritableFile** result) {
  return wrap(name, target()->NewAppendableFile(name, result), result);
}

}  // namespace sluice
