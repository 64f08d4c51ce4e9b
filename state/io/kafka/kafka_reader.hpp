// kafka_reader: a record_reader over a librdkafka consumer — Spark's Kafka source.
//
// Owner: one source actor, which runs on a thread of its own (`blocking()`); `committed()`
// alone is called from another thread (the supervisor's) and takes the lock.
//
// Partitions come from `subscribe` (topics shared with the consumer group `group_id`; the
// group's eager rebalances hand partitions between processes) or from `assign` (fixed).
// Where a partition starts:
//   1. the position this reader was `seek`ed to (the engine's checkpoint) — in a group, the
//      larger of it and the group's committed offset (another member may have moved on);
//   2. else, in a group, the group's committed offset;
//   3. else `startingOffsets` (earliest / latest / JSON).
// Logical offsets are resolved to numbers at assignment, so positions are always concrete.
//
// With a fixed end (`ending_offsets`, or after `end_signal`), a `read` plans the trigger's
// offset ranges as Spark does (plan_ranges: at most `max` offsets, and `max_offsets_per_trigger`,
// shared in proportion to each partition's lag) and fetches exactly them, so the same
// positions give the same triggers whatever the fetch timing; a range not fetched within
// `fetch_timeout_ms` (a broker gone) fails the read naming the partition. Without an end, one
// `read` = one poll round: it waits up to `poll_timeout_ms` for the first record, takes what is
// there, and hands out at most `max` records, split across partitions in equal shares, unused
// shares going to the others; the rest waits for the next trigger. `read_until` fetches exactly
// up to a logged position (a replayed trigger). Handing out a record advances that
// partition's position past it.
//
// Rebalance (revoke): records polled but not handed out are dropped; the reader then waits
// until the query has committed every record it handed out from those partitions, commits
// those offsets to the group synchronously, and writes them as handover records to topic
// `sluice-handover.<group>` (key "topic/partition", value the offset) — and only then lets the
// partitions go. The next owner starts at the largest of its own position, the group's
// committed offset and the newest handover record, so it starts exactly after them (nothing
// lost or doubled). The handover topic exists because a broker may refuse commits while the
// group is rebalancing (librdkafka's mock cluster does; Kafka accepts them); an eager
// rebalance cannot complete before the revoking member rejoins, so the handover record is
// always written before the next owner looks. Group offsets are also committed (async), for lag
// monitoring: after every trigger the query commits, or at epoch commits in a checkpointed query.
//
// Offsets that vanished (retention deleted them while the query was behind): with
// `fail_on_data_loss` the read fails naming partition, wanted offset and earliest offset;
// otherwise it warns, counts the skipped offsets (`data_loss_skipped()`) and goes on from the
// earliest offset.
//
// Bounded reads: `ending_offsets` = "latest" ends at the partitions' high watermarks when the
// reader opens; raising `end_signal` ends at the high watermarks of that moment (how an app's
// feeder says "all produced").
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <vector>

#include "state/io/files/record_reader.hpp"
#include "state/io/kafka/kafka_client.hpp"
#include "state/io/kafka/kafka_offsets.hpp"

namespace sluice {

struct kafka_source_options {
  std::string brokers;
  std::vector<std::string> topics;  // subscribe to these …
  std::string assign;               // … or assign these: {"topic":[0,1]}
  std::string group_id;             // subscribe: the consumer group
  std::string starting_offsets = "latest";
  std::string ending_offsets;           // "" = unbounded; "latest" = what is there when the query starts
  int64_t max_offsets_per_trigger = 0;  // 0 = the query's per-trigger cap
  bool fail_on_data_loss = true;
  bool include_headers = true;
  /// Key, timestamp and headers per record (Spark's Kafka rows); off when the value is decoded
  /// by a schema — records then share one topic/partition tag (set by sources::kafka).
  bool with_metadata = true;
  int poll_timeout_ms = 100;
  int fetch_timeout_ms = 30000;  // a planned range not fetched by then fails the read
  kafka_properties properties;   // librdkafka settings; they win over sluice's defaults
  std::shared_ptr<std::atomic<bool>> end_signal;

  /// Checks the options alone (no network); errors name the option and the fix.
  status validate() const;
  std::string describe() const;  // KafkaV2[Subscribe[t1,t2]] as in Spark's progress
};

class kafka_reader final : public record_reader {
 public:
  explicit kafka_reader(kafka_source_options options);
  ~kafka_reader() override;

  std::string description() const override { return options_.describe(); }
  status read(size_t max, int64_t now_us, std::vector<raw_record>& out) override;
  status read_until(const std::string& position, int64_t now_us, std::vector<raw_record>& out) override;
  bool exhausted() const override;
  std::string position() const override { return format_kafka_offsets(position_); }
  /// Each assigned partition's high watermark as the consumer last heard it (no broker round
  /// trip); a partition not assigned now, or not heard of yet, at its position.
  std::string latest_position() const override;
  status seek(const std::string& position) override;
  std::string origin_prefix() const override { return "kafka:"; }
  bool blocking() const override { return true; }
  /// Assigned partitions not yet read to their end ("topic/p").
  std::vector<std::string> open_partitions() const override;
  void committed(const std::string& position) override;

  int64_t data_loss_skipped() const { return data_loss_skipped_; }
  /// Partitions this reader holds now (changes with rebalances).
  std::vector<topic_partition> assignment() const;

  /// librdkafka callbacks (public for the C trampolines only).
  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void on_error(int err, const char* reason);

 private:
  struct pending_record {
    raw_record record;
    int64_t offset;
  };
  /// Per-partition lookups done once, not per record; rebuilt after a rebalance or a new end.
  struct partition_cursor {
    bool assigned = false;
    int64_t* position = nullptr;  // into position_ (null: no position yet)
    int64_t end = INT64_MAX;      // bounded reads: the first offset not to read
    std::deque<pending_record>* queue = nullptr;
    std::shared_ptr<const record_metadata> place;  // topic and partition, shared by its records
  };
  partition_cursor& cursor(const rd_kafka_topic_t* rkt, int32_t partition);
  status open();
  status resolve_start(const topic_partition& tp, int64_t wanted, int64_t& start);
  status handle_message(rd_kafka_message_t* m);
  status determine_end();
  void commit_group_offsets(const kafka_offset_map& offsets, bool sync);
  std::string handover_topic() const { return "sluice-handover." + options_.group_id; }
  void write_handover(const kafka_offset_map& offsets);
  kafka_offset_map read_handover();
  void hand_out(size_t budget, std::vector<raw_record>& out);
  /// A bounded read waits for the group's first assignment instead of reading nothing, so the
  /// first trigger with data is the same whatever the group's timing.
  status await_assignment();
  /// One poll (waiting up to `timeout_ms`); `news` says whether it returned anything.
  status pump(int timeout_ms, bool& news);
  /// Fetches until every partition of `target` has its records below the target offset, then
  /// hands them out; fails after `fetch_timeout_ms` without news.
  status read_range(const kafka_offset_map& target, std::vector<raw_record>& out);
  bool range_fetched(const kafka_offset_map& target) const;

  kafka_source_options options_;
  kafka_starting_offsets starting_;
  kafka_handle rk_;
  bool subscribe_ = false;
  std::atomic<bool> opened_{false};
  status deferred_;            // an error raised inside a callback, returned by the next read
  kafka_offset_map position_;  // next offset to hand out, per partition ever held
  std::map<topic_partition, std::deque<pending_record>> pending_;
  size_t pending_count_ = 0;
  std::map<std::pair<const rd_kafka_topic_t*, int32_t>, partition_cursor> cursors_;
  kafka_offset_map end_;  // bounded: where each partition ends
  kafka_offset_map eof_;  // where the consumer last reached a partition's end (all below fetched)
  bool end_known_ = false;
  bool assigned_once_ = false;  // the group handed this member its partitions (maybe none)
  int64_t data_loss_skipped_ = 0;
  bool outage_ = false;
  std::atomic<bool> closing_{false};

  mutable std::mutex mu_;  // guards the members below (shared with committed())
  std::condition_variable committed_cv_;
  std::set<topic_partition> assigned_;
  kafka_offset_map committed_;  // by the query, per partition
  kafka_offset_map floor_;      // group commits never go below the offset a partition was assigned at
};

}  // namespace sluice
