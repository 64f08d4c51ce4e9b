#include "actors/operators/join/temporal_join_stage.hpp"

#include <algorithm>
#include <stdexcept>

#include "actors/operators/join/join_projection.hpp"
#include "actors/operators/join/temporal_join_actor.hpp"
#include "actors/runtime/partition_router.hpp"

namespace sluice {
namespace {

class temporal_join_stage final : public stateful_stage {
 public:
  temporal_join_stage(temporal_join_partition_options o, std::vector<size_t> keys[2], std::string description,
                      event_time_column probe_time)
      : o_(std::move(o)), description_(std::move(description)), probe_time_(std::move(probe_time)) {
    keys_[0] = keys[0];
    keys_[1] = keys[1];
  }
  schema_ptr output_schema() const override { return o_.output_schema; }
  std::string explain() const override { return description_; }
  int partitions() const override { return o_.partitions; }
  const char* kind() const override { return "temporal join"; }
  /// Rows come out once the watermark passes their time, before that watermark goes on: the
  /// output keeps the probe's event time and its watermark (spark-semantics §9, rule 3).
  std::vector<event_time_column> output_event_time() const override { return {probe_time_}; }

  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    return spawn_partitioned(ctx, "temporal-join", o_.partitions, {keys_[0], keys_[1]}, std::move(downstream),
                             [&] { return std::make_shared<temporal_join_handler>(o_); });
  }

 private:
  temporal_join_partition_options o_;
  std::vector<size_t> keys_[2];
  std::string description_;
  event_time_column probe_time_;
};

size_t watermark_column(const join_input& in) {
  if (!in.watermark_column)
    throw std::invalid_argument("a temporal join joins by event time: input '" + in.name +
                                "' needs a watermark (withWatermark on its time column)");
  return column_of(in, *in.watermark_column, "watermark");
}

/// The table columns appended to each probe row.
std::vector<size_t> appended_columns(const join_input& probe, const join_input& table, const temporal_join_options& o,
                                     const temporal_join_spec& spec) {
  std::vector<size_t> cols;
  if (o.columns.empty()) {
    for (size_t c = 0; c < table.schema->size(); ++c) {
      bool key = std::any_of(spec.keys.begin(), spec.keys.end(), [&](const auto& k) { return k.second == c; });
      if (!key && c != spec.deleted) cols.push_back(c);
    }
  } else {
    for (const auto& name : o.columns) cols.push_back(column_of(table, name, "temporal join column"));
  }
  for (size_t c : cols)
    if (probe.schema->index_of(table.schema->at(c).name))
      throw std::invalid_argument("temporal join: table column '" + table.schema->at(c).name +
                                  "' clashes with a column of input '" + probe.name +
                                  "'; name the table columns to append in `columns`");
  return cols;
}

std::string describe(const join_input& probe, const join_input& table, const temporal_join_options& o) {
  std::string d = std::string("TemporalJoin ") + (o.inner ? "inner" : "left_outer") + " " + probe.name + " with " +
                  table.name + " FOR SYSTEM_TIME AS OF " + probe.name + "." + *probe.watermark_column + " on ";
  for (size_t i = 0; i < o.on.size(); ++i) d += (i ? " and " : "") + o.on[i].first + " = " + o.on[i].second;
  d += ", versions by " + *table.watermark_column;
  if (o.deleted) d += ", deleted when " + *o.deleted;
  d += ", " + std::to_string(o.partitions) + " partition" + (o.partitions > 1 ? "s" : "");
  return d;
}

}  // namespace

stage_ptr make_temporal_join_stage(const join_input& probe, const join_input& table, const temporal_join_options& o) {
  if (o.on.empty()) throw std::invalid_argument("a temporal join needs at least one key pair (probe, table)");
  if (o.partitions < 1) throw std::invalid_argument("temporal join partitions must be ≥ 1");
  temporal_join_partition_options p;
  temporal_join_spec& spec = p.spec;
  spec.inner = o.inner;
  spec.probe_time = watermark_column(probe);
  spec.table_time = watermark_column(table);
  std::vector<size_t> keys[2];
  for (const auto& [pc, tc] : o.on) {
    size_t pi = column_of(probe, pc, "temporal join key"), ti = column_of(table, tc, "temporal join key");
    if (!join_keys_comparable(probe.schema->at(pi).type, table.schema->at(ti).type))
      throw std::invalid_argument("temporal join key " + pc + " = " + tc + " compares " +
                                  to_string(probe.schema->at(pi).type) + " with " +
                                  to_string(table.schema->at(ti).type));
    spec.keys.emplace_back(pi, ti);
    keys[0].push_back(pi);
    keys[1].push_back(ti);
  }
  if (o.deleted) {
    spec.deleted = column_of(table, *o.deleted, "temporal join deleted flag");
    if (table.schema->at(*spec.deleted).type != column_type::boolean)
      throw std::invalid_argument("temporal join: the deleted flag '" + *o.deleted +
                                  "' must be a boolean column, not " + to_string(table.schema->at(*spec.deleted).type));
  }
  std::vector<size_t> cols = appended_columns(probe, table, o, spec);
  std::vector<column> out = probe.schema->columns();
  for (size_t c : cols) {
    column col = table.schema->at(c);
    col.required = false;
    out.push_back(std::move(col));
  }
  p.output_schema = std::make_shared<const schema>(std::move(out), *probe.watermark_column);
  size_t width = probe.schema->size() + cols.size();
  spec.project = [cols, width](row& probe_row, const row* version) {
    row r;
    r.values = std::move(probe_row.values);
    r.values.reserve(width);
    for (size_t c : cols) r.values.push_back(version ? version->values[c] : value{});
    r.event_time_us = probe_row.event_time_us;
    return r;
  };
  p.input_schemas[0] = probe.schema;
  p.input_schemas[1] = table.schema;
  p.input_names[0] = probe.name;
  p.input_names[1] = table.name;
  p.route_late_rows = o.route_late_rows;
  p.partitions = o.partitions;
  return std::make_shared<temporal_join_stage>(std::move(p), keys, describe(probe, table, o),
                                               event_time_column{*probe.watermark_column, probe.watermark_delay_us});
}

}  // namespace sluice
