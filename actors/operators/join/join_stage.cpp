#include "actors/operators/join/join_stage.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "actors/operators/join/join_actor.hpp"
#include "actors/operators/join/join_projection.hpp"
#include "actors/runtime/partition_router.hpp"
#include "messages/expr/expression.hpp"

namespace sluice {
namespace {
namespace json = boost::json;

// Which sides an expression refers to (bit 1 = left, bit 2 = right).
int sides_of(const json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s.rfind("left.", 0) == 0) return 1;
    if (s.rfind("right.", 0) == 0) return 2;
    return 0;
  }
  int m = 0;
  if (v.is_array())
    for (const auto& e : v.get_array()) m |= sides_of(e);
  if (v.is_object())
    if (auto* c = v.get_object().if_contains("col")) m |= sides_of(*c);
  return m;
}

class join_stage final : public stateful_stage {
 public:
  join_stage(join_spec spec, schema_ptr out, join_options opts, std::string names[2], std::vector<size_t> keys[2],
             std::string description)
      : spec_(std::move(spec)), out_(std::move(out)), opts_(std::move(opts)), description_(std::move(description)) {
    names_[0] = names[0];
    names_[1] = names[1];
    keys_[0] = keys[0];
    keys_[1] = keys[1];
  }
  schema_ptr output_schema() const override { return out_; }
  std::string explain() const override { return description_; }
  int partitions() const override { return opts_.partitions; }
  const char* kind() const override { return "join"; }
  int64_t output_watermark_offset_us() const override { return output_offset_; }
  std::vector<event_time_column> output_event_time() const override { return event_time_; }

  /// Rule 3 of spark-semantics §9 — min(input, each side's state watermark) — and the output
  /// columns that keep a side's event-time column.
  void chain_rules(const join_input& left, const join_input& right, const std::vector<join_output_source>& sources) {
    join_state probe(spec_);
    output_offset_ = 0;
    for (auto side : {join_side::left, join_side::right})
      if (auto sw = probe.state_watermark(side, 0)) output_offset_ = std::min(output_offset_, *sw);
    const join_input* in[2] = {&left, &right};
    for (size_t c = 0; c < out_->size(); ++c) {
      const auto& source = sources[c];
      if (source.side < 0) continue;
      const auto& side = *in[source.side];
      if (side.watermark_column && side.schema->index_of(*side.watermark_column) == source.column)
        event_time_.push_back(event_time_column{out_->at(c).name, side.watermark_delay_us});
    }
  }

  operator_actor spawn(stage_context& ctx, operator_actor downstream) const override {
    join_options_of_partition o;
    o.spec = spec_;
    o.output_schema = out_;
    o.input_names[0] = names_[0];
    o.input_names[1] = names_[1];
    o.route_late_rows = opts_.route_late_rows;
    o.partitions = opts_.partitions;
    return spawn_partitioned(ctx, "join", opts_.partitions, {keys_[0], keys_[1]}, std::move(downstream),
                             [&] { return std::make_shared<join_handler>(o); });
  }

 private:
  join_spec spec_;
  schema_ptr out_;
  join_options opts_;
  int64_t output_offset_ = 0;
  std::vector<event_time_column> event_time_;
  std::string names_[2];
  std::vector<size_t> keys_[2];
  std::string description_;
};

/// Spark's refusals that need no state: no equality, a mode other than append.
void check_join(const join_options& o) {
  if (o.on.empty()) throw std::invalid_argument("Stream-stream join without equality predicate is not supported");
  if (o.mode != output_mode::append)
    throw std::invalid_argument("Join between two streaming DataFrames/Datasets is not supported in " +
                                std::string(o.mode == output_mode::update ? "Update" : "Complete") +
                                " output mode, only in Append output mode");
  if (o.partitions < 1) throw std::invalid_argument("join partitions must be ≥ 1");
}

/// The equi-keys into the spec and the router's key columns per side.
void add_keys(const join_input& left, const join_input& right, const join_options& o, join_spec& spec,
              std::vector<size_t> keys[2]) {
  for (const auto& [l, r] : o.on) {
    size_t li = column_of(left, l, "join key"), ri = column_of(right, r, "join key");
    if (!join_keys_comparable(left.schema->at(li).type, right.schema->at(ri).type))
      throw std::invalid_argument("join key " + l + " = " + r + " compares " + to_string(left.schema->at(li).type) +
                                  " with " + to_string(right.schema->at(ri).type));
    spec.keys.emplace_back(li, ri);
    keys[0].push_back(li);
    keys[1].push_back(ri);
  }
}

void add_window_key(const join_input& left, const join_input& right, const join_options::window& w, join_spec& spec) {
  if (w.size_us <= 0) throw std::invalid_argument("join window size must be positive");
  if (w.slide_us != 0 && w.slide_us != w.size_us)
    throw std::invalid_argument("a window in the join key must be tumbling (slide = size)");
  join_spec::window jw;
  jw.left_column = column_of(left, w.left_column, "join window");
  jw.right_column = column_of(right, w.right_column, "join window");
  jw.size_us = w.size_us;
  jw.offset_us = w.offset_us;
  jw.watermarked = (spec.left_watermark_column && *spec.left_watermark_column == jw.left_column) ||
                   (spec.right_watermark_column && *spec.right_watermark_column == jw.right_column);
  spec.window_key = jw;
}

void add_time_range(const join_input* in[2], const join_options::range& tr, join_spec& spec) {
  auto [s_side, s_col] = side_column(tr.column, "time range column");
  auto [o_side, o_col] = side_column(tr.other, "time range other");
  if (s_side == o_side) throw std::invalid_argument("time range: column and other must be on different sides");
  join_spec::range r;
  r.column_side = s_side;
  r.column = column_of(*in[static_cast<int>(s_side)], s_col, "time range");
  r.other = column_of(*in[static_cast<int>(o_side)], o_col, "time range");
  r.lower = tr.lower;
  r.upper = tr.upper;
  spec.time_range = r;
}

/// The condition's top-level conjuncts, split by the sides they reference: one-sided ones
/// filter that side (the preserved side of an outer join), the others judge each pair.
void add_condition(const join_input* in[2], const json::value& condition, join_spec& spec) {
  const join_input& left = *in[0];
  std::vector<json::value> conjuncts;
  if (condition.is_array() && !condition.get_array().empty() && condition.get_array()[0] == "and")
    for (size_t i = 1; i < condition.get_array().size(); ++i) conjuncts.push_back(condition.get_array()[i]);
  else
    conjuncts.push_back(condition);
  size_t nl = left.schema->size();
  auto resolve_pair = [&](std::string_view ref) -> std::optional<std::pair<size_t, column_type>> {
    auto [side, col] = side_column(std::string(ref), "condition");
    const join_input& i = *in[static_cast<int>(side)];
    auto idx = i.schema->index_of(col);
    if (!idx) return std::nullopt;
    return std::make_pair(*idx + (side == join_side::right ? nl : 0), i.schema->at(*idx).type);
  };
  std::vector<expression> pair, one[2];
  for (const auto& c : conjuncts) {
    int m = sides_of(c);
    if (m == 1 || m == 2) {
      join_side side = m == 1 ? join_side::left : join_side::right;
      const join_input& i = *in[static_cast<int>(side)];
      one[m - 1].push_back(
          expression::compile(c, [&](std::string_view ref) -> std::optional<std::pair<size_t, column_type>> {
            auto [s, col] = side_column(std::string(ref), "condition");
            auto idx = i.schema->index_of(col);
            if (!idx || s != side) return std::nullopt;
            return std::make_pair(*idx, i.schema->at(*idx).type);
          }));
    } else {
      pair.push_back(expression::compile(c, resolve_pair));
    }
  }
  for (int s = 0; s < 2; ++s)
    if (!one[s].empty()) {
      auto f = [exprs = one[s]](const row& r) {
        for (const auto& e : exprs)
          if (!e.test(r)) return false;
        return true;
      };
      (s == 0 ? spec.left_filter : spec.right_filter) = f;
    }
  if (!pair.empty())
    spec.pair_condition = [exprs = pair](const row& l, const row& r) {
      row both;
      both.values.reserve(l.values.size() + r.values.size());
      both.values.insert(both.values.end(), l.values.begin(), l.values.end());
      both.values.insert(both.values.end(), r.values.begin(), r.values.end());
      for (const auto& e : exprs)
        if (!e.test(both)) return false;
      return true;
    };
}

/// Refusals for joins whose state would grow without bound on the side that must be cleaned.
void check_bounded(const join_options& o, const join_spec& spec) {
  join_state probe(spec);
  bool need_left = o.type == join_type::left_outer || o.type == join_type::full_outer ||
                   o.type == join_type::left_semi || o.type == join_type::left_anti;
  bool need_right = o.type == join_type::right_outer || o.type == join_type::full_outer;
  if ((need_left && !probe.evictable(join_side::left)) || (need_right && !probe.evictable(join_side::right)))
    throw std::invalid_argument(
        std::string("Stream-stream ") + spark_name(o.type) +
        " join between two streaming DataFrame/Datasets is not supported without a watermark "
        "in the join keys, or a watermark on the nullable side and an appropriate range condition");
}

/// What `explain` prints for the join.
std::string describe_join(const join_options& o) {
  std::string d = std::string("StreamingSymmetricHashJoin ") + to_string(o.type) + " on ";
  for (size_t i = 0; i < o.on.size(); ++i)
    d += (i ? " and " : "") + o.on[i].first + (o.null_safe ? " <=> " : " = ") + o.on[i].second;
  if (o.window_key) d += ", window(" + std::to_string(o.window_key->size_us / 1000) + " ms)";
  if (o.time_range) {
    d += ", " + o.time_range->other;
    if (o.time_range->lower)
      d += " + " + std::to_string(o.time_range->lower->offset_us / 1000) + " ms " +
           (o.time_range->lower->inclusive ? "<=" : "<");
    d += " " + o.time_range->column + " ";
    if (o.time_range->upper)
      d += std::string(o.time_range->upper->inclusive ? "<=" : "<") + " " + o.time_range->other + " + " +
           std::to_string(o.time_range->upper->offset_us / 1000) + " ms";
  }
  if (!o.condition.is_null()) d += ", condition " + json::serialize(o.condition);
  d += ", " + std::to_string(o.partitions) + " partition" + (o.partitions > 1 ? "s" : "");
  return d;
}

}  // namespace

bool join_keys_comparable(column_type a, column_type b) {
  auto numeric = [](column_type t) { return t == column_type::int64 || t == column_type::float64; };
  return a == b || (numeric(a) && numeric(b)) || a == column_type::null || b == column_type::null;
}

stage_ptr make_join_stage(const join_input& left, const join_input& right, const join_options& o) {
  const join_input* in[2] = {&left, &right};
  check_join(o);
  join_spec spec;
  spec.type = o.type;
  spec.null_safe = o.null_safe;
  std::vector<size_t> keys[2];
  add_keys(left, right, o, spec, keys);
  if (left.watermark_column) spec.left_watermark_column = column_of(left, *left.watermark_column, "watermark");
  if (right.watermark_column) spec.right_watermark_column = column_of(right, *right.watermark_column, "watermark");
  for (const auto& [l, r] : spec.keys)
    if ((spec.left_watermark_column && *spec.left_watermark_column == l) ||
        (spec.right_watermark_column && *spec.right_watermark_column == r))
      spec.time_key = std::make_pair(l, r);
  if (o.window_key) add_window_key(left, right, *o.window_key, spec);
  if (o.time_range) add_time_range(in, *o.time_range, spec);
  if (!o.condition.is_null()) add_condition(in, o.condition, spec);
  check_bounded(o, spec);
  std::vector<join_output_source> sources;
  auto out = project_join_output(left, right, o, spec, sources);
  std::string names[2] = {left.name, right.name};
  auto stage = std::make_shared<join_stage>(std::move(spec), out, o, names, keys, describe_join(o));
  stage->chain_rules(left, right, sources);
  return stage;
}

}  // namespace sluice
