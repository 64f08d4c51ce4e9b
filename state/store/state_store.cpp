#include "state/store/state_store.hpp"

#include <leveldb/cache.h>

#include <vector>

#include "state/io/files/output_folder.hpp"

namespace sluice {
namespace {

void put_varint32(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint32(std::string_view& in, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift <= 28 && !in.empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

std::string key_prefix(std::string_view ns, key_kind kind) {
  std::string k;
  k.reserve(ns.size() + 8);
  k.push_back('S');
  k.push_back(state_key_version);
  put_varint32(k, static_cast<uint32_t>(ns.size()));
  k.append(ns);
  k.push_back(static_cast<char>(kind));
  return k;
}

}  // namespace

status from_leveldb(const leveldb::Status& s) {
  if (s.ok()) return status::ok();
  if (s.IsNotFound()) return status::not_found(s.ToString());
  if (s.IsCorruption()) return status::corruption(s.ToString());
  if (s.IsInvalidArgument()) return status::invalid_argument(s.ToString());
  return status::io_error(s.ToString());
}

std::string encode_state_key(std::string_view ns, key_kind kind, std::string_view user_key) {
  std::string k = key_prefix(ns, kind);
  k.append(user_key);
  return k;
}

status decode_state_key(std::string_view key, std::string& ns, key_kind& kind, std::string& user_key) {
  if (key.size() < 2 || key[0] != 'S') return status::corruption("not a state key");
  if (key[1] != state_key_version)
    return status::unsupported("state key version " + std::to_string(static_cast<int>(key[1])) +
                               " is not known to this sluice (it reads version 1)");
  key.remove_prefix(2);
  uint32_t len;
  if (!get_varint32(key, len) || len >= key.size()) return status::corruption("truncated state key");
  ns.assign(key.substr(0, len));
  char k = key[len];
  if (k != 'c' && k != 'x') return status::corruption("unknown state key kind");
  kind = static_cast<key_kind>(k);
  user_key.assign(key.substr(len + 1));
  return status::ok();
}

namespace {

/// LevelDB adopts any directory and deletes files in it that look like its own (e.g. `1.log`):
/// refuse one that holds files but no database (an output folder's identity file aside).
status check_not_foreign(leveldb::Env* env, const std::string& dir) {
  std::vector<std::string> children;
  if (!env->GetChildren(dir, &children).ok()) return status::ok();  // absent: created empty
  bool has_files = false;
  for (const auto& c : children) has_files |= c != "." && c != ".." && c != output_identity_file;
  if (!has_files || env->FileExists(dir + "/CURRENT")) return status::ok();
  return status::invalid_argument(dir +
                                  " holds files but no LevelDB database (no CURRENT file); it is left untouched: "
                                  "give a new or empty directory");
}

leveldb::ReadOptions checked_reads() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  return ro;
}

leveldb::Options open_options(const state_store::options& opts) {
  leveldb::Options o;
  o.create_if_missing = opts.create_if_missing;
  o.paranoid_checks = true;  // a damaged log or table fails the open instead of being skipped
  if (opts.env) o.env = opts.env;
  return o;
}

}  // namespace

status state_store::open(const std::string& dir, const options& opts, std::unique_ptr<state_store>& out) {
  leveldb::Options o = open_options(opts);
  auto foreign = check_not_foreign(o.env, dir);
  if (!foreign.is_ok()) return foreign;
  leveldb::DB* db = nullptr;
  auto s = leveldb::DB::Open(o, dir, &db);
  if (!s.ok()) return from_leveldb(s);
  out.reset(new state_store(dir, db));
  out->opts_ = opts;
  return out->drop_spilled();
}

status state_store::reopen() {
  std::unique_lock<std::shared_mutex> g(mu_);
  delete db_;
  db_ = nullptr;
  return from_leveldb(leveldb::DB::Open(open_options(opts_), dir_, &db_));
}

status state_store::scan_all(const std::function<bool(std::string_view ns, key_kind kind, std::string_view key,
                                                      std::string_view value)>& fn) const {
  std::shared_lock<std::shared_mutex> g(mu_);
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(ro));
  std::string ns, user;
  key_kind kind;
  for (it->Seek(std::string("S") + state_key_version); it->Valid(); it->Next()) {
    auto k = it->key();
    if (k.size() < 2 || k[0] != 'S') break;
    auto s = decode_state_key(std::string_view(k.data(), k.size()), ns, kind, user);
    if (!s.is_ok()) return s;
    auto v = it->value();
    if (!fn(ns, kind, user, std::string_view(v.data(), v.size()))) break;
  }
  return from_leveldb(it->status());
}

state_store::~state_store() {
  delete db_;
}

status state_store::drop_spilled() {
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(checked_reads()));
  std::string ns, user;
  key_kind kind;
  size_t n = 0;
  for (it->Seek(std::string("S") + state_key_version); it->Valid(); it->Next()) {
    auto k = it->key();
    if (k.size() < 2 || k[0] != 'S') break;
    if (decode_state_key(std::string_view(k.data(), k.size()), ns, kind, user).is_ok() && kind == key_kind::spilled) {
      batch.Delete(k);
      ++n;
    }
  }
  if (!it->status().ok()) return from_leveldb(it->status());
  it.reset();
  return n ? write(batch, false) : status::ok();
}

status state_store::get(std::string_view ns, key_kind kind, std::string_view key, std::string& value) const {
  std::shared_lock<std::shared_mutex> g(mu_);
  return from_leveldb(db_->Get(checked_reads(), encode_state_key(ns, kind, key), &value));
}

status state_store::put(std::string_view ns, key_kind kind, std::string_view key, std::string_view value) {
  std::shared_lock<std::shared_mutex> g(mu_);
  return from_leveldb(
      db_->Put(leveldb::WriteOptions{}, encode_state_key(ns, kind, key), leveldb::Slice(value.data(), value.size())));
}

status state_store::erase(std::string_view ns, key_kind kind, std::string_view key) {
  std::shared_lock<std::shared_mutex> g(mu_);
  return from_leveldb(db_->Delete(leveldb::WriteOptions{}, encode_state_key(ns, kind, key)));
}

status state_store::scan(std::string_view ns, key_kind kind, std::string_view prefix,
                         const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::shared_lock<std::shared_mutex> g(mu_);
  std::string start = key_prefix(ns, kind);
  size_t head = start.size();
  start.append(prefix);
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(start); it->Valid(); it->Next()) {
    auto k = it->key();
    std::string_view kv(k.data(), k.size());
    if (kv.size() < start.size() || kv.compare(0, start.size(), start) != 0) break;
    auto v = it->value();
    if (!fn(kv.substr(head), std::string_view(v.data(), v.size()))) break;
  }
  return from_leveldb(it->status());
}

status state_store::scan_raw(std::string_view prefix,
                             const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::shared_lock<std::shared_mutex> g(mu_);
  leveldb::ReadOptions ro = checked_reads();
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(leveldb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    auto k = it->key();
    std::string_view kv(k.data(), k.size());
    if (kv.compare(0, prefix.size(), prefix) != 0) break;
    auto v = it->value();
    if (!fn(kv, std::string_view(v.data(), v.size()))) break;
  }
  return from_leveldb(it->status());
}

status state_store::write(leveldb::WriteBatch& batch, bool sync) {
  std::shared_lock<std::shared_mutex> g(mu_);
  leveldb::WriteOptions wo;
  wo.sync = sync;
  return from_leveldb(db_->Write(wo, &batch));
}

status state_store::get_raw(std::string_view key, std::string& value) const {
  std::shared_lock<std::shared_mutex> g(mu_);
  return from_leveldb(db_->Get(checked_reads(), leveldb::Slice(key.data(), key.size()), &value));
}

}  // namespace sluice
