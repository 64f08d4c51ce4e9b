#include "actors/operators/join/join_projection.hpp"

#include <stdexcept>

namespace sluice {
namespace {

struct output_column {
  enum kind {
    left,
    right,
    coalesce,
    left_window_start,
    left_window_end,
    right_window_start,
    right_window_end,
    coalesce_window_start,
    coalesce_window_end
  } k;
  size_t li = 0, ri = 0;
};

/// A side's window start (+ size: its end), null when the side is missing.
value window_bound(const row* side, int64_t window_start, int64_t plus) {
  if (!side) return value{};
  return value{window_start + plus};
}

}  // namespace

size_t column_of(const join_input& in, const std::string& name, const char* what) {
  return input_column(in.name, *in.schema, name, what);
}

std::pair<join_side, std::string> side_column(const std::string& ref, const char* what) {
  if (ref.rfind("left.", 0) == 0) return {join_side::left, ref.substr(5)};
  if (ref.rfind("right.", 0) == 0) return {join_side::right, ref.substr(6)};
  throw std::invalid_argument(std::string(what) + ": '" + ref + "' must be left.<column> or right.<column>");
}

schema_ptr project_join_output(const join_input& left, const join_input& right, const join_options& o, join_spec& spec,
                               std::vector<join_output_source>& sources) {
  const join_input* in[2] = {&left, &right};
  std::vector<output_column> cols;
  std::vector<column> out_cols;
  auto add = [&](output_column c, column col) {
    cols.push_back(c);
    out_cols.push_back(std::move(col));
  };
  bool semi_like = o.type == join_type::left_semi || o.type == join_type::left_anti;
  auto names = o.output_columns;
  if (names.empty()) {
    for (const auto& c : left.schema->columns()) names.push_back("left." + c.name);
    if (!semi_like)
      for (const auto& c : right.schema->columns()) names.push_back("right." + c.name);
  }
  for (const auto& n : names) {
    if (n.rfind("coalesce(", 0) == 0 && n.back() == ')') {
      auto inner = n.substr(9, n.size() - 10);
      auto comma = inner.find(',');
      if (comma == std::string::npos)
        throw std::invalid_argument("output column '" + n + "': coalesce(left.c,right.c)");
      auto [ls, lc] = side_column(inner.substr(0, comma), "output column");
      auto [rs, rc] = side_column(inner.substr(comma + 1), "output column");
      if (ls != join_side::left || rs != join_side::right)
        throw std::invalid_argument("output column '" + n + "': coalesce(left.c,right.c)");
      // Named as the column (Spark's USING column), or as written when that name is taken.
      std::string name = o.qualified_names ? n : lc;
      for (const auto& c : out_cols)
        if (c.name == name) name = n;
      if (lc == rc && (lc == "window_start" || lc == "window_end") && spec.window_key) {
        add({lc == "window_start" ? output_column::coalesce_window_start : output_column::coalesce_window_end, 0, 0},
            column{name, column_type::timestamp, false});
        sources.push_back({});
        continue;
      }
      size_t li = column_of(left, lc, "output column"), ri = column_of(right, rc, "output column");
      add({output_column::coalesce, li, ri}, column{name, left.schema->at(li).type, false});
      sources.push_back({});
      continue;
    }
    auto [side, col] = side_column(n, "output column");
    if (semi_like && side == join_side::right)
      throw std::invalid_argument("output column '" + n + "': a " + std::string(to_string(o.type)) +
                                  " join outputs left columns only");
    bool l = side == join_side::left;
    std::string name = o.qualified_names ? n : col;
    for (const auto& c : out_cols)
      if (c.name == name) name = (l ? "left_" : "right_") + col;
    if ((col == "window_start" || col == "window_end") && (spec.window_key || !in[l ? 0 : 1]->schema->index_of(col))) {
      if (!spec.window_key) throw std::invalid_argument("output column '" + n + "': the join has no window key");
      auto k = col == "window_start" ? (l ? output_column::left_window_start : output_column::right_window_start)
                                     : (l ? output_column::left_window_end : output_column::right_window_end);
      add({k, 0, 0}, column{name, column_type::timestamp, false});
      sources.push_back({});
      continue;
    }
    size_t i = column_of(*in[l ? 0 : 1], col, "output column");
    column c = in[l ? 0 : 1]->schema->at(i);
    c.name = name;
    c.required = false;
    add({l ? output_column::left : output_column::right, i, i}, c);
    sources.push_back(join_output_source{l ? 0 : 1, i});
  }
  int64_t wsize = spec.window_key ? spec.window_key->size_us : 0;
  spec.project = [cols, wsize](const row* l, int64_t lws, const row* r, int64_t rws) {
    row o;
    o.values.reserve(cols.size());
    for (const auto& c : cols) {
      switch (c.k) {
        case output_column::left:
          o.values.push_back(l ? l->values[c.li] : value{});
          break;
        case output_column::right:
          o.values.push_back(r ? r->values[c.ri] : value{});
          break;
        case output_column::coalesce:
          o.values.push_back(l && !is_null(l->values[c.li]) ? l->values[c.li] : r ? r->values[c.ri] : value{});
          break;
        case output_column::left_window_start:
        case output_column::left_window_end:
          o.values.push_back(window_bound(l, lws, c.k == output_column::left_window_end ? wsize : 0));
          break;
        case output_column::right_window_start:
        case output_column::right_window_end:
          o.values.push_back(window_bound(r, rws, c.k == output_column::right_window_end ? wsize : 0));
          break;
        case output_column::coalesce_window_start:
        case output_column::coalesce_window_end:
          o.values.push_back(
              window_bound(l ? l : r, l ? lws : rws, c.k == output_column::coalesce_window_end ? wsize : 0));
          break;
      }
    }
    o.event_time_us = l ? l->event_time_us : r ? r->event_time_us : 0;
    return o;
  };
  return std::make_shared<const schema>(out_cols);
}

}  // namespace sluice
