#include "state/operators/window/aggregation.hpp"

#include <cmath>
#include <cstring>

#include "messages/data/enum_names.hpp"
#include "state/store/bytes.hpp"

namespace sluice {

namespace {
constexpr enum_name<aggregate_fn> aggregate_fn_names[] = {
    {aggregate_fn::count, "count"},
    {aggregate_fn::sum, "sum"},
    {aggregate_fn::avg, "avg"},
    {aggregate_fn::min, "min"},
    {aggregate_fn::max, "max"},
    {aggregate_fn::collect_list, "collect_list"},
    {aggregate_fn::approx_count_distinct, "approx_count_distinct"},
    {aggregate_fn::avg, "mean"}};
}  // namespace

std::optional<aggregate_fn> parse_aggregate_fn(std::string_view n) {
  return parse_name(n, aggregate_fn_names);
}

const char* to_string(aggregate_fn f) {
  return name_of(f, aggregate_fn_names);
}

column_type aggregate_column::result_type() const {
  switch (fn) {
    case aggregate_fn::count:
    case aggregate_fn::approx_count_distinct:
      return column_type::int64;
    case aggregate_fn::sum:
      return input_type == column_type::int64 ? column_type::int64 : column_type::float64;
    case aggregate_fn::avg:
      return column_type::float64;
    case aggregate_fn::min:
    case aggregate_fn::max:
      return input_type;
    case aggregate_fn::collect_list:
      return column_type::json;
  }
  return column_type::null;
}

accumulator make_accumulator(const aggregate_column& a) {
  accumulator acc;
  if (a.fn == aggregate_fn::approx_count_distinct) acc.hll.emplace(a.rsd);
  return acc;
}

namespace {

void take_extreme(const aggregate_column& a, accumulator& acc, const value& x) {
  if (is_null(x)) return;
  int c = 0;
  if (acc.n == 0 || !compare_values(x, acc.v, c)) {
    if (acc.n == 0) acc.v = x;
  } else if ((a.fn == aggregate_fn::min && c < 0) || (a.fn == aggregate_fn::max && c > 0)) {
    acc.v = x;
  }
  ++acc.n;
}

void add_number(accumulator& acc, const value& x) {
  switch (x.index()) {
    case 1:
      acc.i += std::get<bool>(x) ? 1 : 0;
      acc.d.add(std::get<bool>(x) ? 1 : 0);
      break;
    case 2:
      acc.i += std::get<int64_t>(x);
      acc.d.add(static_cast<double>(std::get<int64_t>(x)));
      break;
    case 3:
      acc.d.add(std::get<double>(x));
      break;
    default:
      return;  // strings do not sum (the stage refuses them); nulls are skipped
  }
  ++acc.n;
}

}  // namespace

void update(const aggregate_column& a, accumulator& acc, const row& r) {
  if (!a.input) {  // count(*)
    ++acc.n;
    return;
  }
  const value& x = r.values[*a.input];
  switch (a.fn) {
    case aggregate_fn::count:
      if (!is_null(x)) ++acc.n;
      break;
    case aggregate_fn::sum:
    case aggregate_fn::avg:
      add_number(acc, x);
      break;
    case aggregate_fn::min:
    case aggregate_fn::max:
      take_extreme(a, acc, x);
      break;
    case aggregate_fn::collect_list:
      if (!is_null(x)) {
        acc.list.push_back(x);
        ++acc.n;
      }
      break;
    case aggregate_fn::approx_count_distinct:
      acc.hll->add(x);
      break;
  }
}

void merge(const aggregate_column& a, accumulator& acc, const accumulator& o) {
  switch (a.fn) {
    case aggregate_fn::count:
    case aggregate_fn::sum:
    case aggregate_fn::avg:
      acc.n += o.n;
      acc.i += o.i;
      acc.d.add(o.d);
      break;
    case aggregate_fn::min:
    case aggregate_fn::max: {
      if (o.n == 0) break;
      int64_t n = acc.n + o.n;
      take_extreme(a, acc, o.v);
      acc.n = n;
      break;
    }
    case aggregate_fn::collect_list:
      acc.list.insert(acc.list.end(), o.list.begin(), o.list.end());
      acc.n += o.n;
      break;
    case aggregate_fn::approx_count_distinct:
      acc.hll->merge(*o.hll);
      break;
  }
}

value result(const aggregate_column& a, const accumulator& acc) {
  switch (a.fn) {
    case aggregate_fn::count:
      return acc.n;
    case aggregate_fn::sum:
      if (acc.n == 0) return {};
      return a.input_type == column_type::int64 ? value{acc.i} : value{acc.d.value()};
    case aggregate_fn::avg:
      if (acc.n == 0) return {};
      return acc.d.value() / static_cast<double>(acc.n);
    case aggregate_fn::min:
    case aggregate_fn::max:
      return acc.n == 0 ? value{} : acc.v;
    case aggregate_fn::collect_list:
      return encode_cells(acc.list);
    case aggregate_fn::approx_count_distinct:
      return acc.hll->estimate();
  }
  return {};
}

void encode(const aggregate_column& a, const accumulator& acc, std::string& out) {
  put_i64(out, acc.n);
  put_i64(out, acc.i);
  acc.d.encode(out);
  switch (a.fn) {
    case aggregate_fn::min:
    case aggregate_fn::max:
      put_bytes(out, encode_cells({acc.v}));
      break;
    case aggregate_fn::collect_list:
      put_bytes(out, encode_cells(acc.list));
      break;
    case aggregate_fn::approx_count_distinct:
      put_bytes(out, acc.hll->encode());
      break;
    default:
      break;
  }
}

status decode(const aggregate_column& a, std::string_view& in, accumulator& acc, int version) {
  acc = make_accumulator(a);
  if (!get_i64(in, acc.n) || !get_i64(in, acc.i))
    return status::corruption("aggregation '" + a.name + "' state is truncated");
  if (version == 1) {
    int64_t bits;
    double sum;
    if (!get_i64(in, bits)) return status::corruption("aggregation '" + a.name + "' state is truncated");
    std::memcpy(&sum, &bits, sizeof sum);
    acc.d = exact_sum::of(sum);
  } else if (!acc.d.decode(in)) {
    return status::corruption("aggregation '" + a.name + "' state is truncated");
  }
  std::string_view b;
  switch (a.fn) {
    case aggregate_fn::min:
    case aggregate_fn::max: {
      std::vector<value> cells;
      if (!get_bytes(in, b) || !decode_cells(std::string(b), cells) || cells.size() != 1)
        return status::corruption("aggregation '" + a.name + "' has an unreadable value");
      acc.v = std::move(cells[0]);
      break;
    }
    case aggregate_fn::collect_list:
      if (!get_bytes(in, b) || !decode_cells(std::string(b), acc.list))
        return status::corruption("aggregation '" + a.name + "' has an unreadable list");
      break;
    case aggregate_fn::approx_count_distinct: {
      if (!get_bytes(in, b)) return status::corruption("aggregation '" + a.name + "' has no HLL registers");
      auto s = hyperloglog::decode(b, *acc.hll);
      if (!s.is_ok()) return status::corruption("aggregation '" + a.name + "': " + s.message());
      break;
    }
    default:
      break;
  }
  return status::ok();
}

size_t memory_bytes(const accumulator& acc) {
  // O(1), so owners can keep a running total: the cells of a list count, not their string bytes.
  return sizeof(accumulator) + acc.list.size() * sizeof(value) + (acc.hll ? acc.hll->memory_bytes() : 0);
}

}  // namespace sluice
