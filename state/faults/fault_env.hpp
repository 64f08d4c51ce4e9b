// fault_env: a leveldb::Env that fails on purpose — the seam through which the `leveldb:sync`
// fault point reaches a checkpoint store (as LevelDB's own fault-injection test wraps Env).
//
// Owner: whoever opens the store (the CLI's run, a test); it must outlive the store. Every
// call goes to the wrapped Env, except that Sync() of a write-ahead log file (`*.log`) counts
// one hit of `leveldb:sync` and, when the fault plan says so, returns an I/O error instead of
// syncing. A synced WriteBatch then fails; LevelDB keeps the error until the store is
// reopened (the supervisor reopens it before restarting the query).
#pragma once

#include <leveldb/env.h>

#include "state/faults/fault_plan.hpp"

namespace sluice {

class fault_env final : public leveldb::EnvWrapper {
 public:
  fault_env(leveldb::Env* base, fault_plan_ptr faults) : leveldb::EnvWrapper(base), faults_(std::move(faults)) {}
  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** result) override;

 private:
  leveldb::Status wrap(const std::string& name, leveldb::Status s, leveldb::WritableFile** result);
  fault_plan_ptr faults_;
};

}  // namespace sluice
