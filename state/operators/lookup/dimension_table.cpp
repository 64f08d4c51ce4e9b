#include "state/operators/lookup/dimension_table.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"
#include "state/io/files/csv_records.hpp"
#include "state/io/files/record_reader.hpp"
#include "state/operators/lookup/cdc_table_copy.hpp"
#include "state/store/bytes.hpp"

namespace sluice {
namespace fs = std::filesystem;

status dimension_table::declare(dimension_options options, std::shared_ptr<dimension_table>& out) {
  if (options.path.empty() == options.topic.empty())
    return status::invalid_argument("a lookup table reads a file or folder (path) or a Kafka topic, one of them");
  if (!options.topic.empty() && options.brokers.empty())
    return status::invalid_argument("lookup table kafka:" + options.topic + ": no brokers given");
  if (options.path.empty()) options.path = "kafka:" + options.topic;  // how messages name it
  if (!options.columns) return status::invalid_argument("lookup table " + options.path + ": no columns given");
  auto key = options.columns->index_of(options.key);
  if (!key)
    return status::invalid_argument("lookup table " + options.path + ": key column '" + options.key +
                                    "' is not one of its columns (" + options.columns->describe() + ")");
  out.reset(new dimension_table(std::move(options), *key));
  out->snapshot_ = std::make_shared<const dimension_snapshot>();
  return status::ok();
}

status dimension_table::open(dimension_options options, std::shared_ptr<dimension_table>& out) {
  std::shared_ptr<dimension_table> t;
  auto s = declare(std::move(options), t);
  if (s.is_ok()) s = t->start();
  if (s.is_ok()) out = std::move(t);
  return s;
}

status dimension_table::start() {
  if (!options_.topic.empty()) return open_topic();
  std::string stamp;
  std::vector<std::string> files;
  auto s = stamp_of(stamp, files);
  std::shared_ptr<dimension_snapshot> first;
  if (s.is_ok()) s = load(files, stamp, 1, first);
  if (!s.is_ok()) return s;
  std::atomic_store(&snapshot_, std::shared_ptr<const dimension_snapshot>(std::move(first)));
  if (options_.refresh_us > 0) refresher_ = std::thread([this] { refresh_loop(); });
  return status::ok();
}

dimension_table::~dimension_table() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

std::string dimension_table::description() const {
  return "LookupTable[" + options_.path + " by " + options_.key +
         (options_.refresh_us > 0 ? ", refreshed every " + std::to_string(options_.refresh_us / 1000) + " ms" : "") +
         "]";
}

void dimension_table::set_warning_handler(std::function<void(const std::string&)> warn) {
  std::lock_guard<std::mutex> g(mu_);
  warn_ = std::move(warn);
}

status dimension_table::stamp_of(std::string& stamp, std::vector<std::string>& files) const {
  std::error_code ec;
  files.clear();
  if (is_cdc_table(options_.path)) {
    files.push_back(options_.path);
    return cdc_table_stamp(options_.path, stamp);
  }
  if (fs::is_regular_file(options_.path, ec)) {
    files.push_back(options_.path);
  } else if (fs::is_directory(options_.path, ec)) {
    for (const auto& e : fs::directory_iterator(options_.path, ec))
      if (e.is_regular_file() &&
          (is_jsonl_data_file(e.path().filename().string()) || is_csv_data_file(e.path().filename().string())))
        files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
  } else {
    return status::not_found("lookup table " + options_.path + ": no such file or folder");
  }
  stamp.clear();
  for (const auto& f : files) {
    auto size = fs::file_size(f, ec);
    auto time = fs::last_write_time(f, ec).time_since_epoch().count();
    if (ec) return status::io_error("lookup table " + f + ": " + ec.message());
    stamp += f + ":" + std::to_string(size) + ":" + std::to_string(time) + "\n";
  }
  return status::ok();
}

status dimension_table::load(const std::vector<std::string>& files, const std::string& stamp, int64_t version,
                             std::shared_ptr<dimension_snapshot>& out) const {
  auto snap = std::make_shared<dimension_snapshot>();
  snap->version = version;
  snap->stamp = stamp;
  row_decoder decoder(options_.columns);
  row r;
  std::string key;
  auto add = [&](std::string_view text) {
    if (!decoder.decode(text, r).empty()) {
      ++snap->skipped_lines;
      return;
    }
    key.clear();
    append_key_bytes(r.values[key_index_], key);
    snap->rows[key] = r.values;
  };
  if (is_cdc_table(options_.path)) {
    // The copy goes beside the table, on its file system, so its table files are hard-linked.
    auto s = read_cdc_table(options_.path, fs::path(options_.path).lexically_normal().parent_path().string(),
                            [&](std::string_view, std::string_view row_json) { add(row_json); });
    if (!s.is_ok()) return s;
    snap->loaded_us = processing_time_us();
    out = std::move(snap);
    return status::ok();
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return status::io_error("lookup table " + f + ": cannot open");
    if (fs::path(f).extension() == ".csv") {
      std::stringstream text;
      text << in.rdbuf();
      if (in.bad()) return status::io_error("lookup table " + f + ": read failed");
      csv_to_json_rows(text.str(), *options_.columns, add, [&](const std::string&) { ++snap->skipped_lines; });
      continue;
    }
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      add(line);
    }
    if (in.bad()) return status::io_error("lookup table " + f + ": read failed");
  }
  snap->loaded_us = processing_time_us();
  out = std::move(snap);
  return status::ok();
}

status dimension_table::refresh() {
  std::lock_guard<std::mutex> g(mu_);
  auto now = current();
  std::string stamp;
  std::vector<std::string> files;
  auto s = stamp_of(stamp, files);
  if (s.is_ok() && stamp == now->stamp) return status::ok();  // unchanged
  std::shared_ptr<dimension_snapshot> next;
  if (s.is_ok()) s = load(files, stamp, now->version + 1, next);
  std::string after;
  std::vector<std::string> files_after;
  if (s.is_ok()) s = stamp_of(after, files_after);
  if (!s.is_ok()) {
    ++failed_;
    return status::io_error(s.message() + " (the lookup keeps version " + std::to_string(now->version) + ")");
  }
  // Files written to while read: the next refresh reads them whole. (A CDC table's copy is
  // checked by read_cdc_table itself; its logs grow while the applier writes.)
  if (after != stamp && !is_cdc_table(options_.path)) return status::ok();
  std::atomic_store(&snapshot_, std::shared_ptr<const dimension_snapshot>(std::move(next)));
  return status::ok();
}

value dimension_table::tombstone_key(const std::string& text) const {
  // The message key is the key column's value as JSON (a string may come unquoted).
  boost::json::error_code ec;
  auto k = boost::json::parse(text, ec);
  switch (options_.columns->at(key_index_).type) {
    case column_type::int64:
      if (!ec && k.is_int64()) return value{k.get_int64()};
      break;
    case column_type::float64:
      if (!ec && k.is_number()) return value{k.to_number<double>()};
      break;
    case column_type::string:
      if (!ec && k.is_string()) return value{std::string(k.get_string())};
      return value{text};
    default:
      break;
  }
  return value{text};
}

bool dimension_table::apply(const std::vector<topic_record>& records,
                            std::unordered_map<std::string, std::vector<value>>& rows, int64_t& skipped) const {
  row_decoder decoder(options_.columns);
  row r;
  std::string key;
  bool changed = false;
  for (const auto& rec : records) {
    key.clear();
    if (rec.tombstone) {
      append_key_bytes(tombstone_key(rec.key), key);
      changed |= rows.erase(key) > 0;
      continue;
    }
    if (!decoder.decode(rec.value, r).empty()) {
      ++skipped;
      continue;
    }
    append_key_bytes(r.values[key_index_], key);
    rows[key] = std::move(r.values);
    changed = true;
  }
  return changed;
}

status dimension_table::open_topic() {
  auto s = topic_log::open(options_.brokers, options_.topic, topic_);
  if (!s.is_ok()) return s;
  std::unordered_map<std::string, std::vector<value>> rows;
  int64_t skipped = 0;
  std::vector<topic_record> records;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!topic_->caught_up()) {
    if (std::chrono::steady_clock::now() > deadline)
      return status::io_error("lookup table kafka:" + options_.topic + ": not read to its end within 30 s");
    records.clear();
    if (s = topic_->poll(100, records); !s.is_ok()) return s;
    apply(records, rows, skipped);
  }
  auto first = std::make_shared<dimension_snapshot>();
  first->version = 1;
  first->skipped_lines = skipped;
  first->loaded_us = processing_time_us();
  if (options_.refresh_us > 0) {  // the thread keeps its working copy
    first->rows = rows;
    std::atomic_store(&snapshot_, std::shared_ptr<const dimension_snapshot>(std::move(first)));
    refresher_ =
        std::thread([this, rows = std::move(rows), skipped]() mutable { follow_topic(std::move(rows), skipped); });
  } else {  // read once: no consumer left fetching
    first->rows = std::move(rows);
    std::atomic_store(&snapshot_, std::shared_ptr<const dimension_snapshot>(std::move(first)));
    topic_.reset();
  }
  return status::ok();
}

void dimension_table::follow_topic(std::unordered_map<std::string, std::vector<value>> rows, int64_t skipped) {
  auto interval = std::chrono::microseconds(options_.refresh_us);
  auto last_swap = std::chrono::steady_clock::now();
  bool changed = false;
  std::vector<topic_record> records;
  for (;;) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) return;
    }
    records.clear();
    auto s = topic_->poll(100, records);
    if (!s.is_ok()) {  // warned, then tried again after a second (or stopped)
      ++failed_;
      std::unique_lock<std::mutex> lock(mu_);
      if (warn_) warn_(s.message() + " (the lookup keeps version " + std::to_string(current()->version) + ")");
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      continue;
    }
    changed |= apply(records, rows, skipped);
    if (!changed || std::chrono::steady_clock::now() - last_swap < interval) continue;
    auto next = std::make_shared<dimension_snapshot>();
    next->version = current()->version + 1;
    next->rows = rows;
    next->skipped_lines = skipped;
    next->loaded_us = processing_time_us();
    std::atomic_store(&snapshot_, std::shared_ptr<const dimension_snapshot>(std::move(next)));
    last_swap = std::chrono::steady_clock::now();
    changed = false;
  }
}

void dimension_table::refresh_loop() {
  auto interval = std::chrono::microseconds(options_.refresh_us);
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    auto s = refresh();
    lock.lock();
    if (!s.is_ok() && warn_) warn_(s.message());
  }
}

}  // namespace sluice
