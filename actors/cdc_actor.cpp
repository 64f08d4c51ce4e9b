#include "actors/cdc_actor.hpp"

#include <filesystem>

#include "messages/json_codec.hpp"

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

struct cdc_actor_config {
  std::string name = "cdc";
  cdc_table_options options;
  std::shared_ptr<state_store> store;
  operator_actor downstream;
  dead_letter_actor dead_letters;
  fault_plan_ptr faults;
  coordinator_actor coordinator;  // checkpointed: the table is in the checkpoint, changed by epochs
  size_t key = 0, value = 1, topic = 2, partition = 3, offset = 4, headers = 7;
};

operator_actor::behavior_type cdc_actor_impl(operator_actor::pointer self, cdc_actor_config cfg) {
  report_failures_as(self, cfg.name);
  struct state {
    cdc_actor_config cfg;
    cdc_applier applier;
    cdc_counters last;
    explicit state(cdc_actor_config c) : cfg(std::move(c)), applier(cfg.options.cdc, cfg.store) {}
  };
  auto st = std::make_shared<state>(std::move(cfg));
  if (st->cfg.coordinator) st->applier.use_epochs();
  auto s = st->applier.open();
  if (!s.is_ok())
    throw std::runtime_error("cdc: opening the table " + st->cfg.options.table_dir + ": " + s.to_string());
  return {
      [=](batch& b) {
        std::vector<cdc_dead_letter> dead;
        std::vector<std::string> dead_records;  // the raw value of each dead letter
        std::vector<cdc_row_change> changes;
        batch out;
        out.schema = cdc_changelog_schema();
        out.trigger = b.trigger;
        const auto& c = st->cfg;
        for (const auto& r : b.rows) {
          cdc_event e;
          e.topic = r.values[c.topic].index() == 4 ? std::get<std::string>(r.values[c.topic]) : "";
          e.partition = static_cast<int32_t>(std::get<int64_t>(r.values[c.partition]));
          e.offset = std::get<int64_t>(r.values[c.offset]);
          boost::system::error_code ec;
          if (r.values[c.key].index() == 4) {
            e.key = json::parse(std::get<std::string>(r.values[c.key]), ec);
            if (ec) e.key = json::string(std::get<std::string>(r.values[c.key]));
          }
          if (r.values[c.value].index() == 4) {
            const auto& text = std::get<std::string>(r.values[c.value]);
            e.value = json::parse(text, ec);
            if (ec) {
              e.value = nullptr;
              e.value_raw = text;
            }
          }
          changes.clear();
          size_t before = dead.size();
          auto as = st->applier.apply(e, dead, &changes);
          if (!as.is_ok())
            throw std::runtime_error("cdc: applying " + e.topic + "/" + std::to_string(e.partition) + "@" +
                                     std::to_string(e.offset) + ": " + as.to_string());
          if (dead.size() > before)
            dead_records.push_back(r.values[c.value].index() == 4 ? std::get<std::string>(r.values[c.value]) : "null");
          for (auto& ch : changes)
            out.rows.push_back(row{{value{ch.pk}, value{std::string(ch.row ? "upsert" : "delete")},
                                    ch.row ? value{json::serialize(*ch.row)} : value{}, value{e.topic},
                                    value{int64_t{e.partition}}, value{e.offset}},
                                   0});
        }
        if (!dead.empty()) {
          dead_letter_batch d{b.trigger, {}};
          for (size_t i = 0; i < dead.size(); ++i) {
            const auto& x = dead[i];
            d.letters.push_back(dead_letter{
                dead_records[i], x.reason,
                "kafka:" + x.topic + "/" + std::to_string(x.partition) + "@" + std::to_string(x.offset), b.trigger});
          }
          self->send(st->cfg.dead_letters, std::move(d));
        }
        if (st->cfg.faults && st->cfg.faults->hit("crash:" + st->cfg.name))
          throw std::runtime_error("fault injected at crash:" + st->cfg.name);
        if (!out.rows.empty()) self->send(st->cfg.downstream, std::move(out));
      },
      [=](watermark& w) {
        if (st->cfg.coordinator) {
          // Overlays of committed epochs can go: the store has their rows now.
          std::string text;
          epoch_record e;
          if (st->cfg.store->get_raw(epoch_key, text).is_ok() && decode_epoch(text, e).is_ok())
            st->applier.epochs_committed(e.epoch);
        }
        auto s = st->applier.sync();
        if (!s.is_ok()) throw std::runtime_error("cdc: syncing the table: " + s.to_string());
        const auto& c = st->applier.counters();
        state_operator_progress p;
        p.operator_name = "cdcApplier";
        p.num_rows_updated = c.applied - st->last.applied;
        p.custom_metrics["stale"] = c.stale - st->last.stale;
        p.custom_metrics["duplicates"] = c.duplicates - st->last.duplicates;
        p.custom_metrics["deadLetters"] = c.dead_letters - st->last.dead_letters;
        p.custom_metrics["truncatedRows"] = c.truncated_rows - st->last.truncated_rows;
        p.custom_metrics["pendingTransactions"] = static_cast<int64_t>(st->applier.pending_transactions().size());
        st->last = c;
        w.report.operators.push_back(std::move(p));
        self->send(st->cfg.downstream, std::move(w));
      },
      [=](barrier& b) {
        if (st->cfg.coordinator) {
          epoch_part part;
          part.epoch = b.epoch;
          st->applier.take_epoch(b.epoch, part.delta);
          self->send(st->cfg.coordinator, std::move(part));
        }
        self->send(st->cfg.downstream, std::move(b));
      },
      [=](end_of_input& e) { self->send(st->cfg.downstream, std::move(e)); },
      [=](stats_atom) {
        state_operator_progress p;
        p.operator_name = "cdcApplier";
        return p;
      },
  };
}

class cdc_stage final : public stateful_stage {
 public:
  cdc_stage(cdc_actor_config proto, std::string description)
      : proto_(std::move(proto)), description_(std::move(description)), table_(std::make_shared<opened>()) {}
  schema_ptr output_schema() const override { return cdc_changelog_schema(); }
  std::string explain() const override { return description_; }
  int partitions() const override { return 1; }
  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    cdc_actor_config c = proto_;
    if (ctx.coordinator && ctx.store) {
      // Checkpointed: the table is namespace "cdc" of the checkpoint (sluice table dump DIR).
      c.store = ctx.store;
      c.coordinator = ctx.coordinator;
    } else {
      std::lock_guard<std::mutex> g(table_->mu);  // one open table per run, shared by restarts
      if (!table_->store) {
        std::error_code ec;
        std::filesystem::create_directories(c.options.table_dir, ec);
        std::unique_ptr<state_store> s;
        auto st = state_store::open(c.options.table_dir, {}, s);
        if (!st.is_ok())
          throw std::runtime_error("cdc: cannot open the table at " + c.options.table_dir + ": " + st.to_string());
        table_->store = std::move(s);
      }
      c.store = table_->store;
    }
    c.downstream = downstream;
    c.dead_letters = ctx.dead_letters;
    c.faults = ctx.faults;
    auto a = ctx.spawner->spawn(cdc_actor_impl, std::move(c));
    ctx.watch(caf::actor_cast<caf::actor>(a), "cdc");
    return a;
  }

 private:
  struct opened {
    std::mutex mu;
    std::shared_ptr<state_store> store;
  };
  cdc_actor_config proto_;
  std::string description_;
  std::shared_ptr<opened> table_;
};

}  // namespace

stage_ptr make_cdc_stage(schema_ptr input, cdc_table_options options) {
  cdc_actor_config c;
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
  c.options = options;
  std::string d = "CdcApplier " + options.cdc.data_topic + " → table " + options.table_dir +
                  (options.cdc.flattened ? " (flattened records)" : "") +
                  (options.cdc.transaction_metadata ? ", transactions from " + options.cdc.transaction_topic : "") +
                  " ⇒ changelog";
  return std::make_shared<cdc_stage>(std::move(c), std::move(d));
}

}  // namespace sluice
