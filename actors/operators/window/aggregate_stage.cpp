#include "actors/operators/window/aggregate_stage.hpp"

#include <stdexcept>

#include "actors/operators/window/aggregate_actor.hpp"
#include "actors/runtime/partition_router.hpp"
#include "messages/data/time.hpp"
#include "state/operators/window/session_state.hpp"
#include "state/operators/window/window_state.hpp"

namespace sluice {

namespace keys {
group_key col(std::string column) {
  return group_key{std::move(column), std::nullopt, std::nullopt};
}
group_key window(std::string column, std::chrono::microseconds size, std::chrono::microseconds slide,
                 std::chrono::microseconds offset) {
  return group_key{std::move(column), group_key::window_def{size.count(), slide.count(), offset.count()}, std::nullopt};
}
group_key session_window(std::string column, std::chrono::microseconds gap) {
  return group_key{std::move(column), std::nullopt, group_key::session_def{gap.count(), nullptr, {}}};
}
group_key session_window(std::string column, std::function<int64_t(const record&)> gap, std::string description) {
  return group_key{std::move(column), std::nullopt, group_key::session_def{0, std::move(gap), std::move(description)}};
}
}  // namespace keys

namespace aggs {
aggregation count() {
  return {aggregate_fn::count, "", "count", 0.05, false};
}
aggregation count(std::string c) {
  return {aggregate_fn::count, c, "count(" + c + ")", 0.05, false};
}
aggregation count_distinct(std::string c) {
  return {aggregate_fn::count, c, "count(DISTINCT " + c + ")", 0.05, true};
}
aggregation sum(std::string c) {
  return {aggregate_fn::sum, c, "sum(" + c + ")", 0.05, false};
}
aggregation avg(std::string c) {
  return {aggregate_fn::avg, c, "avg(" + c + ")", 0.05, false};
}
aggregation min(std::string c) {
  return {aggregate_fn::min, c, "min(" + c + ")", 0.05, false};
}
aggregation max(std::string c) {
  return {aggregate_fn::max, c, "max(" + c + ")", 0.05, false};
}
aggregation collect_list(std::string c) {
  return {aggregate_fn::collect_list, c, "collect_list(" + c + ")", 0.05, false};
}
aggregation approx_count_distinct(std::string c, double rsd) {
  return {aggregate_fn::approx_count_distinct, c, "approx_count_distinct(" + c + ")", rsd, false};
}
}  // namespace aggs

namespace {

std::string seconds_text(int64_t us) {
  return format_duration(us);
}

class aggregate_stage final : public stateful_stage {
 public:
  aggregate_stage(aggregate_partition_options proto, std::vector<size_t> keys, std::string description, int partitions,
                  std::vector<event_time_column> event_time, bool append)
      : proto_(std::move(proto)),
        keys_(std::move(keys)),
        description_(std::move(description)),
        partitions_(partitions),
        event_time_(std::move(event_time)),
        append_(append) {}
  schema_ptr output_schema() const override { return proto_.output_schema; }
  std::string explain() const override { return description_; }
  int partitions() const override { return partitions_; }
  const char* kind() const override { return "aggregate"; }
  std::vector<event_time_column> output_event_time() const override { return event_time_; }
  bool emits_late_rows() const override { return !append_; }

  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    return spawn_partitioned(ctx, "aggregate", partitions_, {keys_}, std::move(downstream),
                             [&] { return std::make_shared<aggregate_handler>(proto_); });
  }

 private:
  aggregate_partition_options proto_;
  std::vector<size_t> keys_;
  std::string description_;
  int partitions_;
  std::vector<event_time_column> event_time_;
  bool append_;
};

size_t column_of(const aggregate_input& in, const std::string& name, const char* what) {
  return input_column(in.name, *in.schema, name, what);
}

bool numeric(column_type t) {
  return t == column_type::int64 || t == column_type::float64 || t == column_type::boolean;
}

/// What the rows are grouped by: key columns, at most one window or session window, and
/// whether the grouping time carries the watermark (Spark's rule for append mode).
struct grouping {
  std::vector<size_t> key_columns;
  std::vector<column> key_schema;
  const group_key* time_group = nullptr;
  std::optional<size_t> time_column;
  std::optional<size_t> time_key;  // a plain key that is the watermark column
  bool watermarked = false;
};

grouping read_grouping(const aggregate_input& in, const aggregate_options& o) {
  grouping g;
  for (const auto& k : o.group_by) {
    if (k.window || k.session) {
      if (g.time_group)
        throw std::invalid_argument(
            "Multiple time/session window expressions would result in a cartesian product of rows, therefore they "
            "are currently not supported.");
      g.time_group = &k;
      continue;
    }
    size_t i = column_of(in, k.column, "group by");
    g.key_columns.push_back(i);
    g.key_schema.push_back(column{k.column, in.schema->at(i).type, false, in.schema->at(i).unit});
  }
  if (g.time_group) {
    g.time_column = column_of(in, g.time_group->column, g.time_group->window ? "window" : "session window");
    if (in.schema->at(*g.time_column).type != column_type::timestamp)
      throw std::invalid_argument("window column '" + g.time_group->column + "' must be a timestamp, not " +
                                  to_string(in.schema->at(*g.time_column).type));
    g.watermarked = in.watermark_column && *in.watermark_column == g.time_group->column;
  }
  for (size_t k = 0; k < o.group_by.size() && !g.time_group; ++k)
    if (in.watermark_column && o.group_by[k].column == *in.watermark_column) {
      g.time_key = k;
      g.watermarked = true;
    }
  return g;
}

std::vector<aggregate_column> read_aggregations(const aggregate_input& in, const aggregate_options& o) {
  std::vector<aggregate_column> aggs;
  for (const auto& a : o.aggregations) {
    if (a.distinct)
      throw std::invalid_argument(
          "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using "
          "approx_count_distinct() instead.");
    aggregate_column c;
    c.fn = a.fn;
    c.name = a.name;
    c.rsd = a.rsd;
    if (!a.column.empty()) {
      c.input = column_of(in, a.column, to_string(a.fn));
      c.input_type = in.schema->at(*c.input).type;
    } else if (a.fn != aggregate_fn::count) {
      throw std::invalid_argument(std::string(to_string(a.fn)) + " needs a column");
    }
    if ((a.fn == aggregate_fn::sum || a.fn == aggregate_fn::avg) && !numeric(c.input_type))
      throw std::invalid_argument("function " + std::string(to_string(a.fn)) + " requires numeric types, not " +
                                  to_string(c.input_type) + " (column '" + a.column + "')");
    if (a.fn == aggregate_fn::approx_count_distinct) hyperloglog probe(a.rsd);  // refuses a bad rsd
    for (const auto& prev : aggs)
      if (prev.name == c.name) throw std::invalid_argument("two aggregations are named '" + c.name + "'; use .as()");
    aggs.push_back(c);
  }
  return aggs;
}

/// Session windows: the state factory; returns the description's head.
std::string session_state_of(const aggregate_input& in, const aggregate_options& o, const grouping& g,
                             const std::vector<aggregate_column>& aggs, aggregate_partition_options& proto) {
  if (o.mode == output_mode::update)
    throw std::invalid_argument("Update output mode not supported for session window on streaming DataFrames/DataSets");
  if (g.key_columns.empty())
    throw std::invalid_argument("Global aggregation with session window in streaming query is not supported.");
  const auto& s = *g.time_group->session;
  session_grouping sg;
  sg.key_columns = g.key_columns;
  sg.time_column = *g.time_column;
  if (s.gap) {
    auto sch = in.schema;
    sg.gap_us = [fn = s.gap, sch](const row& r) { return fn(record(*sch, r)); };
  } else {
    if (s.gap_us <= 0) throw std::invalid_argument("session gap must be positive");
    sg.gap_us = [gap = s.gap_us](const row&) { return gap; };
  }
  sg.watermarked = g.watermarked;
  sg.mode = o.mode;
  sg.aggregations = aggs;
  proto.operator_name = "sessionWindowStateStoreSaveExec";
  proto.make_state = [sg] { return std::make_unique<session_state>(sg); };
  return "SessionWindowAggregate session_window(" + g.time_group->column + ", " +
         (s.gap ? s.gap_description : seconds_text(s.gap_us)) + ")";
}

/// Spark's checks of a window's size, slide and offset.
void check_window(int64_t size, int64_t slide, int64_t offset) {
  if (size <= 0)
    throw std::invalid_argument("The window duration (" + seconds_text(size) + ") must be greater than 0.");
  if (slide <= 0)
    throw std::invalid_argument("The slide duration (" + seconds_text(slide) + ") must be greater than 0.");
  if (slide > size)
    throw std::invalid_argument("The slide duration (" + seconds_text(slide) +
                                ") must be less than or equal to the windowDuration (" + seconds_text(size) + ").");
  if (offset >= slide || -offset >= slide)
    throw std::invalid_argument("The absolute value of start time (" + seconds_text(offset) +
                                ") must be less than the slideDuration (" + seconds_text(slide) + ").");
}

/// Windows (or plain keys): the state factory; returns the description's head.
std::string window_state_of(const aggregate_options& o, const grouping& g, const std::vector<aggregate_column>& aggs,
                            aggregate_partition_options& proto) {
  window_grouping wg;
  wg.key_columns = g.key_columns;
  std::string d = "Aggregate";
  if (g.time_group) {
    const auto& w = *g.time_group->window;
    int64_t slide = w.slide_us == 0 ? w.size_us : w.slide_us;
    check_window(w.size_us, slide, w.offset_us);
    wg.window = window_grouping::window_bounds{*g.time_column, w.size_us, slide, w.offset_us};
    d = std::string("WindowAggregate window(") + g.time_group->column + ", " + seconds_text(w.size_us) +
        (slide != w.size_us ? ", slide " + seconds_text(slide) : "") +
        (w.offset_us ? ", offset " + seconds_text(w.offset_us) : "") + ")";
  }
  wg.time_key = g.time_key;
  wg.watermarked = g.watermarked;
  wg.mode = o.mode;
  wg.aggregations = aggs;
  proto.operator_name = "stateStoreSave";
  proto.make_state = [wg] { return std::make_unique<window_state>(wg); };
  return d;
}

/// The state's rows (keys, [start, end], results) projected to the output columns.
void project_output(const aggregate_options& o, const grouping& g, const std::vector<aggregate_column>& aggs,
                    bool session, aggregate_partition_options& proto) {
  std::vector<column> raw = g.key_schema;
  proto.start_index = raw.size();
  if (g.time_group) {
    raw.push_back(column{session ? "session_start" : "window_start", column_type::timestamp, false, time_unit::millis});
    raw.push_back(column{session ? "session_end" : "window_end", column_type::timestamp, false, time_unit::millis});
  }
  for (const auto& a : aggs) raw.push_back(column{a.name, a.result_type(), false, time_unit::millis});
  std::vector<std::string> names = o.output_columns;
  if (names.empty())
    for (const auto& c : raw) names.push_back(c.name);
  std::vector<column> out;
  for (const auto& n : names) {
    if (n == "session_duration_s") {
      if (!session) throw std::invalid_argument("output column 'session_duration_s' needs a session window");
      proto.projection.push_back(aggregate_partition_options::session_duration);
      out.push_back(column{n, column_type::float64, false, time_unit::millis});
      continue;
    }
    if (n == "window" || n == "window_time_us") {
      if (!g.time_group)
        throw std::invalid_argument("output column '" + n + "' needs a window or session window in group_by");
      if (session && n == "window")
        throw std::invalid_argument(
            "output column 'window' of a session window is not produced (a window column keeps the window's end "
            "and its fixed size); use session_start and session_end, or window_time_us to feed a later stage");
      bool struct_col = n == "window";
      proto.projection.push_back(aggregate_partition_options::window_time);
      column c{n, column_type::timestamp, false, time_unit::micros};
      c.role = struct_col ? time_role::window : time_role::window_time;
      if (struct_col) c.window_size_us = g.time_group->window->size_us;
      out.push_back(c);
      continue;
    }
    int found = -1;
    for (size_t i = 0; i < raw.size(); ++i)
      if (raw[i].name == n) found = static_cast<int>(i);
    if (found < 0) {
      std::string have;
      for (const auto& c : raw) have += (have.empty() ? "" : ", ") + c.name;
      throw std::invalid_argument("output column '" + n + "' is not produced by the aggregation (it has " + have +
                                  (g.time_group ? ", window, window_time_us" : "") +
                                  (session ? ", session_duration_s" : "") + ")");
    }
    proto.projection.push_back(found);
    out.push_back(raw[static_cast<size_t>(found)]);
  }
  proto.output_schema = std::make_shared<const schema>(out);
  bool identity = proto.projection.size() == raw.size();
  for (size_t i = 0; identity && i < raw.size(); ++i) identity = proto.projection[i] == static_cast<int>(i);
  if (identity) proto.projection.clear();
}

std::string describe_tail(const aggregate_input& in, const aggregate_options& o, const grouping& g,
                          const std::vector<aggregate_column>& aggs) {
  std::string d = " by [";
  for (size_t i = 0; i < g.key_schema.size(); ++i) d += (i ? ", " : "") + g.key_schema[i].name;
  d += "] → [";
  for (size_t i = 0; i < aggs.size(); ++i)
    d += (i ? ", " : "") + std::string(to_string(aggs[i].fn)) +
         (aggs[i].input ? "(" + in.schema->at(*aggs[i].input).name + ")" : "(*)") + " as " + aggs[i].name;
  return d + "], " + std::string(to_string(o.mode)) + " mode, " + std::to_string(o.partitions) + " partition" +
         (o.partitions > 1 ? "s" : "");
}

}  // namespace

stage_ptr make_aggregate_stage(const aggregate_input& in, const aggregate_options& o) {
  if (o.partitions < 1) throw std::invalid_argument("aggregate partitions must be ≥ 1");
  if (o.aggregations.empty()) throw std::invalid_argument("an aggregation needs at least one aggregate function");
  auto g = read_grouping(in, o);
  auto aggs = read_aggregations(in, o);
  if (o.mode == output_mode::append && !g.watermarked)
    throw std::invalid_argument(
        "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets "
        "without watermark");
  aggregate_partition_options proto;
  bool session = g.time_group && g.time_group->session;
  std::string d = session ? session_state_of(in, o, g, aggs, proto) : window_state_of(o, g, aggs, proto);
  project_output(o, g, aggs, session, proto);
  proto.route_late_rows = o.route_late_rows;
  proto.partitions = o.partitions;
  // The output columns that carry the watermark: the window (as `window` or window_time) of a
  // watermarked time, or the watermarked column grouped by itself.
  std::vector<event_time_column> event_time;
  if (g.watermarked)
    for (const auto& c : proto.output_schema->columns())
      if ((g.time_group && (c.name == "window" || c.name == "window_time_us")) ||
          (!g.time_group && in.watermark_column && c.name == *in.watermark_column))
        event_time.push_back(event_time_column{c.name, in.watermark_delay_us});
  return std::make_shared<aggregate_stage>(std::move(proto), g.key_columns, d + describe_tail(in, o, g, aggs),
                                           o.partitions, std::move(event_time), o.mode == output_mode::append);
}

}  // namespace sluice
