#include "state/io/files/row_sink.hpp"

#include "messages/codec/json_codec.hpp"

namespace sluice {

status jsonl_sink::write(const batch& b) {
  for (const auto& r : b.rows) {
    line_.clear();
    encode_row(*b.schema, r, line_);
    auto s = writer_.append(b.trigger, line_);
    if (!s.is_ok()) return s;
  }
  return status::ok();
}

status jsonl_sink::stage(int64_t last_committed_trigger) {
  writer_.set_staged(true);
  return writer_.discard_after(last_committed_trigger);
}

status jsonl_sink::publish(int64_t, int64_t last_trigger, const std::vector<std::string>&, bool, int64_t& published) {
  return writer_.publish_up_to(last_trigger, published);
}

status console_sink::write(const batch& b) {
  if (b.rows.empty()) return status::ok();
  if (header_trigger_ != b.trigger) {
    std::fprintf(
        out_,
        "-------------------------------------------\nTrigger: %lld\n-------------------------------------------\n",
        static_cast<long long>(b.trigger));
    header_trigger_ = b.trigger;
  }
  std::string line;
  for (const auto& r : b.rows) {
    if (static_cast<size_t>(rows_++) >= max_rows_) continue;
    line.clear();
    encode_row(*b.schema, r, line);
    std::fprintf(out_, "%s\n", line.c_str());
  }
  return status::ok();
}

status console_sink::finish(int64_t, int64_t& rows) {
  rows = rows_;
  if (static_cast<size_t>(rows_) > max_rows_)
    std::fprintf(out_, "… and %lld more rows\n", static_cast<long long>(rows_ - static_cast<int64_t>(max_rows_)));
  std::fflush(out_);
  rows_ = 0;
  return status::ok();
}

status memory_sink::write(const batch& b) {
  std::lock_guard<std::mutex> g(store_->mu);
  if (!store_->schema) store_->schema = b.schema;
  for (const auto& r : b.rows) store_->rows.emplace_back(b.trigger, r);
  rows_ += static_cast<int64_t>(b.rows.size());
  return status::ok();
}

status memory_sink::finish(int64_t trigger, int64_t& rows) {
  std::lock_guard<std::mutex> g(store_->mu);
  store_->finished_triggers.push_back(trigger);
  rows = rows_;
  rows_ = 0;
  return status::ok();
}

}  // namespace sluice
