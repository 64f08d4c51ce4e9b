#include "actors/operators/transform/lookup_step.hpp"

#include <stdexcept>

#include "state/store/bytes.hpp"

namespace sluice {
namespace {

class lookup_step final : public transform_step {
 public:
  lookup_step(schema_ptr out, size_t key, std::shared_ptr<dimension_table> table, std::vector<size_t> taken,
              lookup_kind kind)
      : out_(std::move(out)), key_(key), table_(std::move(table)), taken_(std::move(taken)), kind_(kind) {}

  void apply(batch& b, step_context&) const override {
    auto snap = table_->current();
    std::string key;
    size_t kept = 0, missed = 0;
    for (size_t i = 0; i < b.rows.size(); ++i) {
      row& r = b.rows[i];
      key.clear();
      append_key_bytes(r.values[key_], key);
      auto hit = snap->rows.find(key);
      missed += hit == snap->rows.end();
      if (hit == snap->rows.end() && kind_ == lookup_kind::inner) continue;
      r.values.reserve(r.values.size() + taken_.size());
      for (size_t c : taken_) r.values.push_back(hit == snap->rows.end() ? value{} : hit->second[c]);
      if (kept != i) b.rows[kept] = std::move(r);
      ++kept;
    }
    table_->count_lookups(static_cast<int64_t>(b.rows.size()), static_cast<int64_t>(missed));
    b.rows.resize(kept);
    b.schema = out_;
  }
  void report(std::vector<lookup_progress>& out) const override {
    auto snap = table_->current();
    lookup_progress p;
    p.description = table_->description();
    p.version = snap->version;
    p.rows = static_cast<int64_t>(snap->rows.size());
    p.last_refresh_us = snap->loaded_us;
    p.failed_refreshes = table_->failed_refreshes();
    p.num_lookups = table_->looked_up();
    p.num_misses = table_->missed();
    out.push_back(std::move(p));
  }
  schema_ptr output_schema() const override { return out_; }
  void set_warning_handler(std::function<void(std::string)> warn) const override {
    if (!warn) return table_->set_warning_handler(nullptr);
    table_->set_warning_handler([warn = std::move(warn)](const std::string& w) { warn("lookup: " + w); });
  }
  std::string explain() const override {
    return std::string(kind_ == lookup_kind::inner ? "LookupJoin inner " : "LookupJoin left ") + "on " +
           out_->at(key_).name + " = " + table_->description();
  }

 private:
  schema_ptr out_;
  size_t key_;
  std::shared_ptr<dimension_table> table_;
  std::vector<size_t> taken_;  // the table's columns appended, in order (all but its key)
  lookup_kind kind_;
};

}  // namespace

step_ptr make_lookup(schema_ptr in, std::string key_column, std::shared_ptr<dimension_table> table, lookup_kind kind) {
  auto key = in->index_of(key_column);
  if (!key)
    throw std::invalid_argument("lookup: key column '" + key_column + "' is not a column of the stream (" +
                                in->describe() + ")");
  const schema& dim = *table->options().columns;
  std::vector<column> cols = in->columns();
  std::vector<size_t> taken;
  for (size_t i = 0; i < dim.size(); ++i) {
    if (i == table->key_index()) continue;
    column c = dim.at(i);
    if (in->index_of(c.name))
      throw std::invalid_argument("lookup: the table's column '" + c.name +
                                  "' has the name of a stream column; rename one of them (select, with_columns)");
    c.required = false;  // a left lookup without a match gives null
    cols.push_back(c);
    taken.push_back(i);
  }
  std::string event_time = in->event_time_index() ? in->at(*in->event_time_index()).name : std::string{};
  auto out = std::make_shared<const schema>(std::move(cols), event_time);
  return std::make_shared<lookup_step>(std::move(out), *key, std::move(table), std::move(taken), kind);
}

}  // namespace sluice
