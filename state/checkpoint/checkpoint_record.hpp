// checkpoint_record: the records of a checkpoint directory besides operator state — who the
// checkpoint belongs to, and the last committed epoch (docs/formats/checkpoint.md, version 1).
//
// Owner: the query's supervisor (identity, recovery) and coordinator (epoch commits). Raw
// LevelDB keys outside the state namespaces ('S' 0x01 …):
//   "checkpoint.identity"   JSON: version, query name, query id (kept across restarts, as
//                           Spark keeps `id` in its checkpoint metadata), the stateful plan
//                           and its partition count, the inputs, when it was created
//   "checkpoint.epoch"      JSON: version (epoch_format_version), epoch N, its last trigger,
//                           the combined watermark, source positions and partition frontiers
//                           after it, running totals, commit time
//   "checkpoint.published"  JSON: version, the last epoch whose output every sink published
//   "checkpoint.trigger.<k>" JSON: version, trigger k and the source positions after it —
//                           logged (unsynced) once its sources have read it, deleted in the
//                           batch of the epoch that covers it; recovery re-reads each logged
//                           trigger after the last epoch up to exactly these positions
// Epoch N's record is written in the same synced WriteBatch as N's state deltas and staged
// sink records, so a reader sees all of N or none of it. Decoders refuse other versions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/store/status.hpp"

namespace sluice {

constexpr int checkpoint_format_version = 1;
/// The epoch record's own version: 2 added the partition frontiers (version 1 is still read,
/// as an epoch without frontiers).
constexpr int epoch_format_version = 2;
inline constexpr const char* identity_key = "checkpoint.identity";
inline constexpr const char* epoch_key = "checkpoint.epoch";
inline constexpr const char* published_key = "checkpoint.published";

/// What a checkpoint must match to be reused.
struct checkpoint_identity {
  std::string query;
  std::string id;                   // stable query id (uuid), created with the checkpoint
  std::string plan;                 // the stateful operator as `explain` prints it ("" = none)
  int partitions = 0;               // of the stateful operator
  std::vector<std::string> inputs;  // input names, in order
  int64_t created_us = 0;
};

std::string encode_identity(const checkpoint_identity& id);
status decode_identity(const std::string& text, checkpoint_identity& id);
/// Ok when a query described by `now` may resume from a checkpoint written as `stored`;
/// otherwise why not and what to do, naming the field that differs.
status check_identity(const checkpoint_identity& stored, const checkpoint_identity& now);

struct epoch_record {
  int64_t epoch = 0;
  int64_t trigger = -1;  // the last trigger the epoch covers
  int64_t watermark_us = 0;
  std::vector<std::string> positions;  // per input, where the next trigger reads
  std::vector<std::string> frontiers;  // per input, its partition frontiers ("" = none; version 2)
  int64_t triggers = 0, input_rows = 0, output_rows = 0, dead_letters = 0;
  int64_t committed_us = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_record& x) {
  return f(x.epoch, x.trigger, x.watermark_us, x.positions, x.frontiers, x.triggers, x.input_rows, x.output_rows,
           x.dead_letters, x.committed_us);
}

std::string encode_epoch(const epoch_record& e);
status decode_epoch(const std::string& text, epoch_record& e);

/// A trigger's end positions, logged until the epoch that covers it commits.
struct logged_trigger {
  int64_t trigger = 0;
  std::vector<std::string> positions;  // per input
};
inline constexpr const char* trigger_log_prefix = "checkpoint.trigger.";
/// trigger_log_prefix + k in 20 digits, so keys sort by trigger.
std::string trigger_log_key(int64_t trigger);
std::string encode_logged_trigger(const logged_trigger& t);
status decode_logged_trigger(const std::string& text, logged_trigger& t);

std::string encode_published(int64_t epoch);
status decode_published(const std::string& text, int64_t& epoch);

}  // namespace sluice
