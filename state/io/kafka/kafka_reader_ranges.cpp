// kafka_reader's planned reads (state/io/kafka/kafka_reader.hpp): exact offset ranges — a
// trigger planned against a fixed end, or a logged trigger read again (`read_until`) — and
// which partitions are still open. The consumer-group half is in kafka_reader_group.cpp.
#include <chrono>

#include "state/io/kafka/kafka_reader.hpp"

namespace sluice {

std::string kafka_reader::latest_position() const {
  kafka_offset_map latest = position_;
  for (const auto& tp : assignment()) {
    int64_t low = 0, high = -1;
    if (rd_kafka_get_watermark_offsets(rk_.get(), tp.first.c_str(), tp.second, &low, &high) !=
        RD_KAFKA_RESP_ERR_NO_ERROR)
      continue;
    auto& at = latest[tp];
    at = std::max(at, high);
  }
  return format_kafka_offsets(latest);
}

std::vector<std::string> kafka_reader::open_partitions() const {
  std::vector<std::string> open;
  for (const auto& tp : assignment()) {
    if (end_known_) {
      auto e = end_.find(tp);
      auto p = position_.find(tp);
      auto q = pending_.find(tp);
      bool drained = q == pending_.end() || q->second.empty();
      int64_t at = p == position_.end() ? 0 : p->second;
      if (drained && (e == end_.end() || at >= e->second)) continue;
    }
    open.push_back(tp_name(tp));
  }
  return open;
}

status kafka_reader::read_until(const std::string& position, int64_t, std::vector<raw_record>& out) {
  kafka_offset_map target;
  auto s = parse_kafka_offsets(position, target);
  if (!s.is_ok()) return status::corruption("kafka source: logged trigger position: " + s.message());
  if (!opened_) {
    s = open();
    if (!s.is_ok()) return s;
  }
  return read_range(target, out);
}

status kafka_reader::await_assignment() {
  auto start = std::chrono::steady_clock::now();
  while (!assigned_once_) {
    bool news = false;
    auto s = pump(options_.poll_timeout_ms, news);
    if (!s.is_ok()) return s;
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(options_.fetch_timeout_ms))
      return status::io_error("kafka: consumer group '" + options_.group_id + "' assigned no partitions within " +
                              std::to_string(options_.fetch_timeout_ms / 1000) + " s (is the broker reachable?)");
  }
  return status::ok();
}

status kafka_reader::pump(int timeout_ms, bool& news) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), timeout_ms);
  news = m != nullptr;
  if (!m) return deferred_;
  auto s = handle_message(m);
  rd_kafka_message_destroy(m);
  return s.is_ok() ? deferred_ : s;
}

bool kafka_reader::range_fetched(const kafka_offset_map& target) const {
  for (const auto& [tp, end] : target) {
    auto p = position_.find(tp);
    if (p != position_.end() && p->second >= end) continue;
    auto q = pending_.find(tp);
    if (q != pending_.end() && !q->second.empty() && q->second.back().offset >= end - 1) continue;
    auto e = eof_.find(tp);
    if (e != eof_.end() && e->second >= end) continue;
    return false;
  }
  return true;
}

status kafka_reader::read_range(const kafka_offset_map& target, std::vector<raw_record>& out) {
  using clock = std::chrono::steady_clock;
  auto quiet_since = clock::now();
  while (!range_fetched(target)) {
    bool news = false;
    auto s = pump(options_.poll_timeout_ms, news);
    if (!s.is_ok()) return s;
    if (news) quiet_since = clock::now();
    if (clock::now() - quiet_since < std::chrono::milliseconds(options_.fetch_timeout_ms)) continue;
    std::string missing;
    for (const auto& [tp, end] : target) {
      auto p = position_.find(tp);
      int64_t at = p == position_.end() ? 0 : p->second;
      if (auto q = pending_.find(tp); q != pending_.end() && !q->second.empty()) at = q->second.back().offset + 1;
      if (at < end)
        missing += (missing.empty() ? "" : ", ") + tp_name(tp) + " offsets " + std::to_string(at) + ".." +
                   std::to_string(end - 1);
    }
    return status::io_error("kafka: " + missing + " not fetched within " +
                            std::to_string(options_.fetch_timeout_ms / 1000) +
                            " s (is the broker reachable?); the query resumes from its last commit when restarted");
  }
  for (const auto& [tp, end] : target) {
    auto q = pending_.find(tp);
    if (q == pending_.end()) continue;
    int64_t& position = position_[tp];
    while (!q->second.empty() && q->second.front().offset < end) {
      position = q->second.front().offset + 1;
      out.push_back(std::move(q->second.front().record));
      q->second.pop_front();
      --pending_count_;
    }
    position = std::max(position, std::min(end, eof_.count(tp) ? eof_[tp] : position));
  }
  return status::ok();
}

}  // namespace sluice
