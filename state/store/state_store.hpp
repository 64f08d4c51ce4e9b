// state_store: the LevelDB database that holds a query's state, in namespaces per
// operator and partition.
//
// Owner: the query (one store per checkpoint directory). Operators never write it directly:
// their changes reach it as epoch deltas (state_delta.hpp) in the coordinator's WriteBatch, and
// a resuming operator reads its namespace back (actors/runtime/operator_host.hpp).
// Key layout (docs/formats/state-keys.md, version 1):
//     'S' 0x01 | varint32(len(ns)) ns | kind | user key
// where ns = "<operator>/<partition>", kind 'c' = committed at the last epoch, 'x' = not
// committed (no operator writes these; any found on open are deleted, as never committed).
// Decoders refuse any version byte other than 0x01. Faults come in through the
// `leveldb::Env*` seam (tests pass an in-memory or failing Env).
#pragma once

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/write_batch.h>

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "state/store/status.hpp"

namespace sluice {

constexpr char state_key_version = 0x01;

enum class key_kind : char { committed = 'c', spilled = 'x' };

std::string encode_state_key(std::string_view ns, key_kind kind, std::string_view user_key);
/// Splits a key made by `encode_state_key`; refuses other versions.
status decode_state_key(std::string_view key, std::string& ns, key_kind& kind, std::string& user_key);

class state_store {
 public:
  struct options {
    leveldb::Env* env = nullptr;  // nullptr = leveldb::Env::Default()
    bool create_if_missing = true;
    size_t block_cache_bytes = 8 << 20;
  };

  static status open(const std::string& dir, const options& opts, std::unique_ptr<state_store>& out);
  ~state_store();
  state_store(const state_store&) = delete;
  state_store& operator=(const state_store&) = delete;

  status get(std::string_view ns, key_kind kind, std::string_view key, std::string& value) const;
  status put(std::string_view ns, key_kind kind, std::string_view key, std::string_view value);
  status erase(std::string_view ns, key_kind kind, std::string_view key);
  /// Calls `fn(user_key, value)` for keys of `ns`/`kind` starting with `prefix`, in key order;
  /// stops early when `fn` returns false.
  status scan(std::string_view ns, key_kind kind, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& fn) const;
  /// Applies a batch atomically; `sync` makes it survive an OS crash (platform-notes §4).
  status write(leveldb::WriteBatch& batch, bool sync);
  /// How an operator lists its state rows (for epoch deltas, state_delta.hpp).
  using row_writer = std::function<void(std::string_view key, std::string_view value)>;
  /// Raw key/value access for metadata outside the state namespaces (checkpoint records).
  status get_raw(std::string_view key, std::string& value) const;
  /// Raw keys starting with `prefix`, in key order; stops when `fn` returns false.
  status scan_raw(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& fn) const;

  /// Every state row, in key order (for `sluice state`); stops when `fn` returns false.
  status scan_all(const std::function<bool(std::string_view ns, key_kind kind, std::string_view key,
                                           std::string_view value)>& fn) const;
  /// Closes and opens the database again (after a failed write, LevelDB refuses every later
  /// write until reopened). Safe while other threads use the store.
  status reopen();

  const std::string& directory() const { return dir_; }

 private:
  state_store(std::string dir, leveldb::DB* db) : dir_(std::move(dir)), db_(db) {}
  status drop_spilled();
  std::string dir_;
  leveldb::DB* db_;
  options opts_;
  mutable std::shared_mutex mu_;  // shared: every operation; unique: reopen
};

status from_leveldb(const leveldb::Status& s);

}  // namespace sluice
