// transform: stateless per-row steps — filter, select, computed columns, from_json, and the
// watermark probe — fused into whatever actor runs them (a source's input chain or a
// transform actor), Flink's operator chaining.
//
// Steps are immutable after build (DuckDB keeps operators const, state apart): whatever
// a step learns while running a batch goes into the `step_context` of that batch. Each
// step knows its output schema at build time, so a pipeline is checked before it runs.
// No CAF here: steps are unit-tested on plain batches.
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "messages/control/control.hpp"
#include "messages/control/progress.hpp"
#include "messages/data/batch.hpp"
#include "messages/data/record.hpp"
#include "messages/expr/expression.hpp"

namespace sluice {

/// What running the steps over one batch produced besides rows.
struct step_context {
  int64_t trigger = 0;
  /// The watermark probe sends a row whose event time is past this to the dead letters
  /// (max_future_event_time: processing time + the bound), so one bad clock cannot move the
  /// watermark past every later row.
  int64_t max_event_time_us = std::numeric_limits<int64_t>::max();
  std::vector<dead_letter> dead_letters;
  event_time_stats event_time;  // filled by the watermark probe
};

class transform_step {
 public:
  virtual ~transform_step() = default;
  virtual void apply(batch& b, step_context& ctx) const = 0;
  virtual schema_ptr output_schema() const = 0;
  virtual std::string explain() const = 0;
  /// Where a step that works in the background (a lookup table's refresh) reports trouble;
  /// null stops the reports. Most steps have nothing to report.
  virtual void set_warning_handler(std::function<void(std::string)>) const {}
  /// A step over a table of its own (a lookup join) adds the table's state to `out`.
  virtual void report(std::vector<lookup_progress>& /*out*/) const {}
};

using step_ptr = std::shared_ptr<const transform_step>;
using row_predicate = std::function<bool(const record&)>;
using row_function = std::function<value(const record&)>;

step_ptr make_filter(schema_ptr in, row_predicate pred, std::string description);
step_ptr make_filter(schema_ptr in, expression pred);
/// Keeps `columns` in that order; throws std::invalid_argument naming an unknown column.
step_ptr make_select(schema_ptr in, const std::vector<std::string>& columns);
/// Adds (or replaces) column `name` of `type` computed per row.
step_ptr make_with_column(schema_ptr in, std::string name, column_type type, row_function fn, std::string description);
step_ptr make_with_column(schema_ptr in, std::string name, expression expr);
/// Parses JSON text in string column `column` by `parsed` (the from_json step); keeps the
/// columns `keep` after the parsed ones. A row that does not parse becomes a dead letter.
step_ptr make_from_json(schema_ptr in, std::string column, schema_ptr parsed, std::vector<std::string> keep);
/// Keeps rows that satisfy `rule`; a row that does not becomes a dead letter (the row as
/// JSON, the reason `reason`) — Delta Live Tables' expect-or-drop, but nothing vanishes.
step_ptr make_validate(schema_ptr in, row_predicate rule, std::string reason);
step_ptr make_validate(schema_ptr in, expression rule, std::string reason);
/// Marks the event-time column's rows for the watermark (`with_watermark`): records their
/// min/max/avg event time in the context. Rows pass unchanged.
step_ptr make_watermark_probe(schema_ptr in, std::string column, int64_t delay_us);

/// Runs `steps` in order over `b`.
inline void apply_steps(const std::vector<step_ptr>& steps, batch& b, step_context& ctx) {
  for (const auto& s : steps) s->apply(b, ctx);
}

}  // namespace sluice
