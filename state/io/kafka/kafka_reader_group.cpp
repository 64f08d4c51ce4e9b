// kafka_reader's consumer-group half (state/io/kafka/kafka_reader.hpp): partitions assigned
// and revoked by rebalances, group offsets committed, and the handover records that let the
// next owner of a partition start exactly after the last one.
#include <boost/json.hpp>
#include <chrono>
#include <optional>

#include "state/io/kafka/kafka_producer.hpp"
#include "state/io/kafka/kafka_reader.hpp"

namespace sluice {

namespace json = boost::json;

void kafka_reader::on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
  rd_kafka_t* rk = rk_.get();
  cursors_.clear();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    auto* group = rd_kafka_topic_partition_list_copy(parts);
    auto cerr = rd_kafka_committed(rk, group, 10000);
    auto handover = read_handover();
    for (int i = 0; i < parts->cnt; ++i) {
      topic_partition tp{parts->elems[i].topic, parts->elems[i].partition};
      std::optional<int64_t> known;  // the largest of own position, group offset, handover record
      auto take = [&](int64_t off) { known = std::max(known.value_or(off), off); };
      if (auto own = position_.find(tp); own != position_.end()) take(own->second);
      if (!cerr && group->elems[i].offset >= 0) take(group->elems[i].offset);
      if (auto h = handover.find(tp); h != handover.end()) take(h->second);
      int64_t wanted = known ? *known : starting_.for_partition(tp);
      int64_t start = 0;
      auto s = resolve_start(tp, wanted, start);
      if (!s.is_ok()) {
        if (deferred_.is_ok()) deferred_ = s;
        start = RD_KAFKA_OFFSET_INVALID;
      }
      parts->elems[i].offset = start;
      std::lock_guard<std::mutex> g(mu_);
      assigned_.insert(tp);
      floor_[tp] = start;
      committed_[tp] = start;
    }
    rd_kafka_topic_partition_list_destroy(group);
    assigned_once_ = true;
    if (cerr)
      warn("kafka: the group's committed offsets could not be read (" + std::string(rd_kafka_err2str(cerr)) +
           "); partitions start from this query's own positions or startingOffsets");
    rd_kafka_assign(rk, parts);
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    std::vector<topic_partition> revoked;
    for (int i = 0; i < parts->cnt; ++i) revoked.emplace_back(parts->elems[i].topic, parts->elems[i].partition);
    for (const auto& tp : revoked) {
      auto it = pending_.find(tp);
      if (it == pending_.end()) continue;
      pending_count_ -= it->second.size();
      pending_.erase(it);
    }
    kafka_offset_map handed;
    for (const auto& tp : revoked)
      if (position_.count(tp)) handed[tp] = position_[tp];
    kafka_offset_map done;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto all_committed = [&] {
        for (const auto& [tp, off] : handed)
          if (committed_[tp] < off) return false;
        return true;
      };
      bool ok = closing_ || committed_cv_.wait_for(lock, std::chrono::seconds(60), all_committed);
      if (!ok)
        warn(
            "kafka rebalance: records handed out from revoked partitions were not committed within 60 s; their "
            "next owner may read them again");
      for (const auto& [tp, off] : handed) done[tp] = std::min(off, std::max(committed_[tp], floor_[tp]));
      for (const auto& tp : revoked) assigned_.erase(tp);
    }
    commit_group_offsets(done, true);
    write_handover(done);
    rd_kafka_assign(rk, nullptr);
    return;
  }
  rd_kafka_assign(rk, nullptr);
  if (deferred_.is_ok()) deferred_ = status::io_error(std::string("kafka rebalance: ") + rd_kafka_err2str(err));
}

void kafka_reader::on_error(int err, const char* reason) {
  auto e = static_cast<rd_kafka_resp_err_t>(err);
  if (is_transient_kafka_error(e)) {
    if (!outage_) warn("kafka: " + describe_kafka_error(e, reason) + "; retrying with back-off (100 ms up to 10 s)");
    outage_ = true;
    return;
  }
  if (rk_ && rd_kafka_fatal_error(rk_.get(), nullptr, 0) && deferred_.is_ok())
    deferred_ = status::io_error("kafka consumer: " + describe_kafka_error(e, reason));
  else
    warn("kafka: " + describe_kafka_error(e, reason));
}

void kafka_reader::commit_group_offsets(const kafka_offset_map& offsets, bool sync) {
  if (!subscribe_ || offsets.empty() || !rk_) return;
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, off] : offsets)
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = off;
  auto e = rd_kafka_commit(rk_.get(), list, sync ? 0 : 1);
  rd_kafka_topic_partition_list_destroy(list);
  if (e && sync) warn("kafka: committing group offsets failed: " + std::string(rd_kafka_err2str(e)));
}

void kafka_reader::write_handover(const kafka_offset_map& offsets) {
  if (offsets.empty()) return;
  std::unique_ptr<kafka_producer> p;
  auto s = kafka_producer::create(options_.brokers, {}, p);
  for (const auto& [tp, off] : offsets) {
    if (!s.is_ok()) break;
    std::string key = tp.first + "/" + std::to_string(tp.second);
    s = p->produce(handover_topic(), "v1:" + std::to_string(off), &key);  // docs/formats/kafka-handover.md
  }
  if (s.is_ok()) s = p->flush(10000);
  if (!s.is_ok())
    warn("kafka rebalance: handover record to " + handover_topic() + " failed (" + s.message() +
         "); the next owner relies on the group's committed offsets");
}

kafka_offset_map kafka_reader::read_handover() {
  kafka_offset_map out;
  std::vector<int32_t> parts;
  if (!kafka_topic_partitions(rk_.get(), handover_topic(), parts, 5000).is_ok()) return out;
  rd_kafka_conf_t* conf = nullptr;
  if (!make_kafka_conf(options_.brokers, {{"enable.auto.commit", "false"}, {"group.id", handover_topic()}}, {}, &conf)
           .is_ok())
    return out;
  char err[256];
  kafka_handle c(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!c) return out;
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  std::map<int32_t, int64_t> ends;
  for (auto p : parts) {
    int64_t low = 0, high = 0;
    if (!query_kafka_watermarks(c.get(), handover_topic(), p, low, high).is_ok() || high <= low) continue;
    ends[p] = high;
    rd_kafka_topic_partition_list_add(list, handover_topic().c_str(), p)->offset = low;
  }
  if (list->cnt > 0) rd_kafka_assign(c.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ends.empty() && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c.get(), 100);
    if (!m) continue;
    if (!m->err && m->key) {
      std::string key(static_cast<const char*>(m->key), m->key_len);
      auto slash = key.rfind('/');
      std::string value(static_cast<const char*>(m->payload), m->len);
      if (slash != std::string::npos && value.rfind("v1:", 0) == 0) {
        topic_partition tp{key.substr(0, slash), std::atoi(key.c_str() + slash + 1)};
        int64_t off = std::atoll(value.c_str() + 3);
        out[tp] = std::max(out.count(tp) ? out[tp] : 0, off);
      } else {
        warn("kafka rebalance: ignoring a handover record of an unknown version in " + handover_topic() + ": " +
             value.substr(0, 40));
      }
      if (m->offset + 1 >= ends[m->partition]) ends.erase(m->partition);
    }
    rd_kafka_message_destroy(m);
  }
  if (!ends.empty()) warn("kafka rebalance: could not read all of " + handover_topic() + " within 10 s");
  rd_kafka_consumer_close(c.get());
  return out;
}

void kafka_reader::committed(const std::string& position) {
  kafka_offset_map offsets;
  if (!parse_kafka_offsets(position, offsets).is_ok()) return;
  kafka_offset_map to_commit;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [tp, off] : offsets) {
      auto& c = committed_[tp];
      c = std::max(c, off);
      if (assigned_.count(tp)) to_commit[tp] = std::max(c, floor_[tp]);
    }
  }
  committed_cv_.notify_all();
  if (opened_) commit_group_offsets(to_commit, false);
}

}  // namespace sluice
