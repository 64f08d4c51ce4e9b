#include "actors/operators/cdc/cdc_actor.hpp"

#include <filesystem>

#include "actors/runtime/operator_host.hpp"
#include "messages/codec/exact_json.hpp"
#include "messages/codec/json_codec.hpp"

namespace sluice {
namespace json = boost::json;

schema_ptr cdc_changelog_schema() {
  static const schema_ptr s =
      std::make_shared<const schema>(std::vector<column>{{"pk", column_type::string, true, time_unit::millis},
                                                         {"op", column_type::string, true, time_unit::millis},
                                                         {"row", column_type::json, false, time_unit::millis},
                                                         {"topic", column_type::string, true, time_unit::millis},
                                                         {"partition", column_type::int64, true, time_unit::millis},
                                                         {"offset", column_type::int64, true, time_unit::millis}});
  return s;
}

namespace {

struct cdc_columns {
  size_t key = 0, value = 1, topic = 2, partition = 3, offset = 4;
};

/// The CDC applier's handler for the operator host (actors/runtime/operator_host.hpp): one
/// partition (the table has one writer); the applier keeps its own epoch changes.
class cdc_handler {
 public:
  cdc_handler(cdc_table_options options, cdc_columns cols, std::shared_ptr<state_store> table)
      : options_(std::move(options)), cols_(cols), table_(table), applier_(options_.cdc, std::move(table)) {}
  schema_ptr output_schema() const { return cdc_changelog_schema(); }

  void start(const host_context& ctx) {
    epochs_ = ctx.epochs;
    if (epochs_) applier_.use_epochs();
    auto s = applier_.open();
    if (!s.is_ok()) throw std::runtime_error("cdc: opening the table " + options_.table_dir + ": " + s.to_string());
  }

  void on_batch(batch& b, int64_t, host_output& out) {
    std::vector<cdc_dead_letter> dead;
    for (const auto& r : b.rows) {
      cdc_event e = event_of(r);
      changes_.clear();
      size_t before = dead.size();
      auto as = applier_.apply(e, dead, &changes_);
      if (!as.is_ok())
        throw std::runtime_error("cdc: applying " + e.topic + "/" + std::to_string(e.partition) + "@" +
                                 std::to_string(e.offset) + ": " + as.to_string());
      for (size_t i = before; i < dead.size(); ++i)
        out.dead.push_back(dead_letter{
            text_or(r.values[cols_.value], "null"), dead[i].reason,
            "kafka:" + dead[i].topic + "/" + std::to_string(dead[i].partition) + "@" + std::to_string(dead[i].offset),
            b.trigger});
      for (auto& ch : changes_)
        out.rows.push_back(row{{value{ch.pk}, value{std::string(ch.row ? "upsert" : "delete")},
                                ch.row ? value{json::serialize(*ch.row)} : value{}, value{e.topic},
                                value{int64_t{e.partition}}, value{e.offset}},
                               0});
    }
  }

  state_operator_progress on_watermark(const trigger_end&, host_output&) {
    if (epochs_) {
      // Overlays of committed epochs can go: the store has their rows now.
      std::string text;
      epoch_record e;
      if (table_->get_raw(epoch_key, text).is_ok() && decode_epoch(text, e).is_ok()) applier_.epochs_committed(e.epoch);
    }
    auto s = applier_.sync();
    if (!s.is_ok()) throw std::runtime_error("cdc: syncing the table: " + s.to_string());
    const auto& c = applier_.counters();
    auto p = stats();
    p.num_rows_updated = c.applied - last_.applied;
    p.custom_metrics["stale"] = c.stale - last_.stale;
    p.custom_metrics["duplicates"] = c.duplicates - last_.duplicates;
    p.custom_metrics["deadLetters"] = c.dead_letters - last_.dead_letters;
    p.custom_metrics["truncatedRows"] = c.truncated_rows - last_.truncated_rows;
    p.custom_metrics["pendingTransactions"] = static_cast<int64_t>(applier_.pending_transactions().size());
    last_ = c;
    return p;
  }

  void take_delta(int64_t epoch, state_delta& delta) { applier_.take_epoch(epoch, delta); }

  state_operator_progress stats() const { return state_totals("cdcApplier", 0, 0); }

 private:
  static std::string text_or(const value& v, const char* otherwise) {
    return v.index() == 4 ? std::get<std::string>(v) : otherwise;
  }

  cdc_event event_of(const row& r) const {
    cdc_event e;
    e.topic = text_or(r.values[cols_.topic], "");
    e.partition = static_cast<int32_t>(std::get<int64_t>(r.values[cols_.partition]));
    e.offset = std::get<int64_t>(r.values[cols_.offset]);
    boost::system::error_code ec;
    if (r.values[cols_.key].index() == 4) {
      e.key = parse_json_exact(std::get<std::string>(r.values[cols_.key]), ec);
      if (ec) e.key = json::string(std::get<std::string>(r.values[cols_.key]));
    }
    if (r.values[cols_.value].index() == 4) {
      const auto& text = std::get<std::string>(r.values[cols_.value]);
      e.value = parse_json_exact(text, ec);
      if (ec) {
        e.value = nullptr;
        e.value_raw = text;
      }
    }
    return e;
  }

  cdc_table_options options_;
  cdc_columns cols_;
  std::shared_ptr<state_store> table_;
  cdc_applier applier_;
  bool epochs_ = false;
  cdc_counters last_;
  std::vector<cdc_row_change> changes_;
};

class cdc_stage final : public stateful_stage {
 public:
  cdc_stage(cdc_table_options options, cdc_columns cols, std::string description)
      : options_(std::move(options)),
        cols_(cols),
        description_(std::move(description)),
        table_(std::make_shared<opened>()) {}
  schema_ptr output_schema() const override { return cdc_changelog_schema(); }
  std::string explain() const override { return description_; }
  int partitions() const override { return 1; }
  const char* kind() const override { return "cdc"; }
  bool judges_event_time() const override { return false; }
  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    auto cfg = host_config_for(ctx, ctx.actor_name("cdc"), std::move(downstream));
    cfg.restore = false;  // the applier reads its table itself
    auto handler = std::make_shared<cdc_handler>(options_, cols_, table_for(ctx));
    auto a = ctx.spawner->spawn(operator_host<cdc_handler>, std::move(cfg), std::move(handler));
    ctx.watch(caf::actor_cast<caf::actor>(a), ctx.actor_name("cdc"));
    return a;
  }

 private:
  /// Checkpointed: the table is namespace "cdc" of the checkpoint (sluice table dump DIR).
  /// Otherwise its own LevelDB, opened once per run and shared by restarts.
  std::shared_ptr<state_store> table_for(const stage_context& ctx) const {
    if (ctx.coordinator && ctx.store) return ctx.store;
    std::lock_guard<std::mutex> g(table_->mu);
    if (!table_->store) {
      std::error_code ec;
      std::filesystem::create_directories(options_.table_dir, ec);
      std::unique_ptr<state_store> s;
      auto st = state_store::open(options_.table_dir, {}, s);
      if (!st.is_ok())
        throw std::runtime_error("cdc: cannot open the table at " + options_.table_dir + ": " + st.to_string());
      table_->store = std::move(s);
    }
    return table_->store;
  }

  struct opened {
    std::mutex mu;
    std::shared_ptr<state_store> store;
  };
  cdc_table_options options_;
  cdc_columns cols_;
  std::string description_;
  std::shared_ptr<opened> table_;
};

}  // namespace

stage_ptr make_cdc_stage(schema_ptr input, cdc_table_options options) {
  cdc_columns c;
  auto need = [&](const char* name, size_t& idx) {
    auto i = input->index_of(name);
    if (!i)
      throw std::invalid_argument(std::string("apply_cdc: the input has no column '") + name +
                                  "'; read the topic with \"format\": \"kafka\" (Spark's Kafka columns), it has " +
                                  input->describe());
    idx = *i;
  };
  need("key", c.key);
  need("value", c.value);
  need("topic", c.topic);
  need("partition", c.partition);
  need("offset", c.offset);
  if (options.table_dir.empty()) throw std::invalid_argument("apply_cdc: give the table directory");
  if (options.cdc.data_topic.empty()) throw std::invalid_argument("apply_cdc: give the data topic");
  std::string d = "CdcApplier " + options.cdc.data_topic + " → table " + options.table_dir +
                  (options.cdc.flattened ? " (flattened records)" : "") +
                  (options.cdc.transaction_metadata ? ", transactions from " + options.cdc.transaction_topic : "") +
                  " ⇒ changelog";
  return std::make_shared<cdc_stage>(std::move(options), c, std::move(d));
}

}  // namespace sluice
