#include "apps/launch/table_feed.hpp"

#include <cstdio>
#include <filesystem>

namespace sluice {

status write_table_revision(const table_revisions& t, uint64_t revision) {
  generator_spec spec = t.spec;
  spec.revision = revision;
  std::string temp = t.path + ".writing";
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (!f) return status::io_error("cannot write " + temp);
  bool ok = true;
  for (uint64_t n = 0; n < t.rows(revision) && ok; ++n) {
    std::string line = generate_record(spec, n) + "\n";
    ok = std::fwrite(line.data(), 1, line.size(), f) == line.size();
  }
  ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(temp, t.path, ec);
  if (!ok || ec) return status::io_error("cannot write revision " + std::to_string(revision) + " of " + t.path);
  return status::ok();
}

status produce_table_revision(kafka_producer& producer, const std::string& topic, const table_revisions& t,
                              uint64_t revision) {
  generator_spec spec = t.spec;
  spec.revision = revision;
  for (uint64_t n = 0; n < t.rows(revision); ++n) {
    std::string record = generate_record(spec, n), key = generator_record_key(spec.kind, record);
    if (auto s = producer.produce(topic, record, &key); !s.is_ok()) return s;
    if ((n & 1023) == 0) producer.poll();
  }
  return producer.flush();
}

table_feed::table_feed(table_revisions t, revision_writer write) : table_(std::move(t)), write_(std::move(write)) {
  if (table_.last > 1) thread_ = std::thread([this] { run(); });
}

table_feed::~table_feed() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string table_feed::error() const {
  std::lock_guard<std::mutex> g(mu_);
  return error_;
}

void table_feed::run() {
  auto due = std::chrono::steady_clock::now();
  for (uint64_t r = 2; r <= table_.last; ++r) {
    due += table_.every;
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_until(lock, due, [this] { return stopping_; })) return;
    lock.unlock();
    if (auto s = write_(r); !s.is_ok()) {
      lock.lock();
      error_ = "table feed: " + s.message();
      return;
    }
  }
}

}  // namespace sluice
