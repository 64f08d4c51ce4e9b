#include "state/store/state_delta.hpp"

#include <xxhash.h>

namespace sluice {

void add_to_batch(const state_delta& d, leveldb::WriteBatch& batch) {
  for (const auto& k : d.deletes) batch.Delete(encode_state_key(d.ns, key_kind::committed, k));
  for (const auto& [k, v] : d.puts) batch.Put(encode_state_key(d.ns, key_kind::committed, k), v);
}

void delta_baseline::seed(std::string_view key, std::string_view value) {
  last_[std::string(key)] = digest{XXH64(value.data(), value.size(), 0), mark_};
}

void delta_baseline::diff(const std::function<void(const state_store::row_writer&)>& fill, state_delta& out) {
  ++mark_;
  out.puts.clear();
  out.deletes.clear();
  out.rows = 0;
  out.bytes = 0;
  fill([&](std::string_view k, std::string_view v) {
    uint64_t h = XXH64(v.data(), v.size(), 0);
    auto [it, inserted] = last_.try_emplace(std::string(k));
    if (inserted || it->second.hash != h) out.puts.emplace_back(std::string(k), std::string(v));
    it->second = digest{h, mark_};
    ++out.rows;
    out.bytes += static_cast<int64_t>(k.size() + v.size());
  });
  for (auto it = last_.begin(); it != last_.end();) {
    if (it->second.mark != mark_) {
      out.deletes.push_back(it->first);
      it = last_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sluice
