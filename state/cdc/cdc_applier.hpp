// cdc_applier: applies Debezium change records to a keyed table in LevelDB with MERGE
// semantics, exactly as the source database ended up — ../shared/spec/cdc-format.md is the
// contract (rules 1–9 below refer to it).
//
//   record ──consumed already? (offset ≤ the partition's last)──▶ ignored          (rule 1)
//          ──transaction topic──▶ BEGIN/END bookkeeping; other topics: no effect    (rule 2)
//          ──decode (state/cdc_record)──▶ dead letter with the reason               (rules 3–4)
//          ──in a transaction (metadata on)──▶ buffered until END and all its
//                                              records are in, then applied in
//                                              total_order in one WriteBatch        (rule 9)
//          ──▶ apply: position ≥ the key's last and ≥ the truncate floor, else stale (6–7)
//                     c/u/r upsert (TOAST placeholders keep the stored value), d and
//                     tombstones delete, t truncates below its position, m nothing (5, 8)
//
// Layout (docs/formats/cdc-table.md, version 1), namespace "cdc" of a state_store:
//   'r' pk → 0x01 + the row as a JSON object     'p' pk → 0x01 + position (4 × 8 bytes)
//   'o' topic 0x00 partition → last consumed offset   'f' → truncate floor
// Records' effects and their consumed offsets are buffered (reads see the effects) and written in one
// WriteBatch every few thousand records and at `sync()` (the actor's end of trigger), so a crash
// leaves the table at a record boundary, with the offsets that go with it.
// Owner: one CDC applier actor (or `sluice cdc replay`); single-threaded, no CAF.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "state/cdc/cdc_record.hpp"
#include "state/store/state_delta.hpp"
#include "state/store/state_store.hpp"
#include "state/store/status.hpp"

namespace sluice {

struct cdc_options {
  std::string data_topic;
  std::string transaction_topic;
  bool flattened = false;                // value_format "flattened" (the unwrap SMT)
  bool transaction_metadata = false;     // provide.transaction.metadata
  std::vector<std::string> primary_key;  // the table's key columns (for records without a key)
};

struct cdc_dead_letter {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string reason;
};

/// One row change of the table, for a changelog stream: the new row, or none (deleted).
struct cdc_row_change {
  std::string pk;
  std::optional<boost::json::object> row;
};

struct cdc_counters {
  int64_t applied = 0, stale = 0, duplicates = 0, dead_letters = 0, ignored = 0, truncated_rows = 0;
};

class cdc_applier {
 public:
  cdc_applier(cdc_options options, std::shared_ptr<state_store> store);
  ~cdc_applier();
  /// Reads the consumed offsets and the truncate floor back.
  status open();
  status apply(const cdc_event& e, std::vector<cdc_dead_letter>& dead, std::vector<cdc_row_change>* changes = nullptr);
  /// Transactions seen (BEGIN or data) and not yet complete.
  std::vector<std::string> pending_transactions() const;
  status get(const std::string& pk, std::optional<boost::json::object>& row);
  /// Every row, by primary key (sorted).
  status rows(std::map<std::string, boost::json::object>& out);
  /// Writes what is still buffered and makes it durable (checkpointed: does nothing; the
  /// changes go with the epochs).
  status sync();

  // ---- Checkpointed queries (docs/cdc.md "Checkpoints"): the table lives in the query's
  // checkpoint store and changes only with epochs, so the table, its consumed offsets, the
  // pending transactions ('t' rows) and the changelog commit together.
  void use_epochs() { epochs_ = true; }
  /// Barrier N: everything changed since N−1, pending transactions included, as N's delta.
  /// Until N is committed the changes stay readable here (an overlay over the store).
  void take_epoch(int64_t epoch, state_delta& out);
  /// Drops the overlays of epochs ≤ `committed` (their rows are in the store now).
  void epochs_committed(int64_t committed);
  const cdc_counters& counters() const { return counters_; }

 private:
  struct txn {
    std::vector<std::pair<int64_t, cdc_change>> changes;  // (total_order, change)
    std::optional<int64_t> event_count;
    std::vector<std::pair<int64_t, cdc_event>> events;  // the records, for the 't' row (epochs)
  };
  bool epochs_ = false;
  // State-key suffix → value (nullopt = deleted), written or to be written with a batch.
  using pending_rows = std::unordered_map<std::string, std::optional<std::string>>;
  std::deque<std::pair<int64_t, pending_rows>> staged_;  // by epoch
  std::set<std::string> txn_rows_;                       // transactions with a 't' row in the store or staged
  struct batch_view;
  status apply_change(cdc_change& c, batch_view& view, std::vector<cdc_row_change>* changes);
  status try_complete(const std::string& id, batch_view& view, std::vector<cdc_row_change>* changes);
  std::string offset_key(const std::string& topic, int32_t partition) const;

  cdc_options options_;
  std::shared_ptr<state_store> store_;
  std::map<std::string, int64_t> consumed_;  // offset_key → last offset
  // The partitions records came from, each with its entry of consumed_; `moved`: its offset
  // changed since it was last written (offsets are written with the batch, not per record).
  struct offset_cursor {
    std::string topic;
    int32_t partition = 0;
    std::map<std::string, int64_t>::iterator at;
    bool moved = false;
  };
  std::vector<offset_cursor> cursors_;
  offset_cursor& cursor(const std::string& topic, int32_t partition);
  void write_offsets();
  std::optional<cdc_position> floor_;
  std::map<std::string, txn> transactions_;
  std::unique_ptr<batch_view> view_;  // changes not yet written, whole records only
  std::unordered_map<std::string, std::optional<cdc_position>> positions_;  // cache of the 'p' entries
  status flush(bool durable);
  cdc_counters counters_;
};

}  // namespace sluice
