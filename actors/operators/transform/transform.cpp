#include "actors/operators/transform/transform.hpp"

#include <algorithm>
#include <stdexcept>

#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"

namespace sluice {

namespace {

class filter_step final : public transform_step {
 public:
  filter_step(schema_ptr in, std::function<bool(const schema&, const row&)> pred, std::string d)
      : schema_(std::move(in)), pred_(std::move(pred)), description_(std::move(d)) {}
  void apply(batch& b, step_context&) const override {
    const schema& s = *b.schema;
    auto& rows = b.rows;
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const row& r) { return !pred_(s, r); }), rows.end());
  }
  schema_ptr output_schema() const override { return schema_; }
  std::string explain() const override { return "Filter " + description_; }

 private:
  schema_ptr schema_;
  std::function<bool(const schema&, const row&)> pred_;
  std::string description_;
};

class select_step final : public transform_step {
 public:
  select_step(schema_ptr out, std::vector<size_t> idx) : out_(std::move(out)), idx_(std::move(idx)) {}
  void apply(batch& b, step_context&) const override {
    std::vector<value> tmp;
    for (auto& r : b.rows) {
      tmp.clear();
      tmp.reserve(idx_.size());
      for (size_t i : idx_) tmp.push_back(std::move(r.values[i]));
      r.values.swap(tmp);
    }
    b.schema = out_;
  }
  schema_ptr output_schema() const override { return out_; }
  std::string explain() const override {
    std::string cols;
    for (const auto& c : out_->columns()) cols += (cols.empty() ? "" : ", ") + c.name;
    return "Project [" + cols + "]";
  }

 private:
  schema_ptr out_;
  std::vector<size_t> idx_;
};

class with_column_step final : public transform_step {
 public:
  with_column_step(schema_ptr out, std::optional<size_t> replace, std::function<value(const schema&, const row&)> fn,
                   std::string name, std::string d, schema_ptr in)
      : out_(std::move(out)),
        replace_(replace),
        fn_(std::move(fn)),
        name_(std::move(name)),
        description_(std::move(d)),
        in_(std::move(in)) {}
  void apply(batch& b, step_context&) const override {
    const schema& s = *in_;
    for (auto& r : b.rows) {
      value v = fn_(s, r);
      if (replace_)
        r.values[*replace_] = std::move(v);
      else
        r.values.push_back(std::move(v));
    }
    b.schema = out_;
  }
  schema_ptr output_schema() const override { return out_; }
  std::string explain() const override { return "WithColumn " + name_ + " = " + description_; }

 private:
  schema_ptr out_;
  std::optional<size_t> replace_;
  std::function<value(const schema&, const row&)> fn_;
  std::string name_, description_;
  schema_ptr in_;
};

class from_json_step final : public transform_step {
 public:
  from_json_step(schema_ptr in, size_t column, schema_ptr parsed, std::vector<size_t> keep, schema_ptr out)
      : in_(std::move(in)), column_(column), parsed_(std::move(parsed)), keep_(std::move(keep)), out_(std::move(out)) {}
  void apply(batch& b, step_context& ctx) const override {
    row_decoder decoder(parsed_);
    std::vector<row> out;
    out.reserve(b.rows.size());
    std::string raw;
    for (auto& r : b.rows) {
      const value& cell = r.values[column_];
      raw = cell.index() == 4 ? std::get<std::string>(cell) : std::string{};
      row parsed;
      std::string err = cell.index() == 4 ? decoder.decode(raw, parsed) : "column is not a string";
      if (!err.empty()) {
        std::string origin = "from_json(" + in_->at(column_).name + ")";
        for (size_t k : keep_) origin += " " + in_->at(k).name + "=" + to_display(r.values[k]);
        ctx.dead_letters.push_back(dead_letter{std::move(raw), std::move(err), std::move(origin), ctx.trigger});
        continue;
      }
      for (size_t k : keep_) parsed.values.push_back(std::move(r.values[k]));
      out.push_back(std::move(parsed));
    }
    b.rows.swap(out);
    b.schema = out_;
  }
  schema_ptr output_schema() const override { return out_; }
  std::string explain() const override {
    return "FromJson " + in_->at(column_).name + " as (" + parsed_->describe() + ")";
  }

 private:
  schema_ptr in_;
  size_t column_;
  schema_ptr parsed_;
  std::vector<size_t> keep_;
  schema_ptr out_;
};

class watermark_probe final : public transform_step {
 public:
  watermark_probe(schema_ptr in, size_t column, int64_t delay) : in_(std::move(in)), column_(column), delay_(delay) {}
  void apply(batch& b, step_context& ctx) const override {
    bool beyond = false;
    for (auto& r : b.rows) {
      const value& v = r.values[column_];
      if (v.index() != 2) continue;
      r.event_time_us = std::get<int64_t>(v);
      if (r.event_time_us > ctx.max_event_time_us)
        beyond = true;
      else
        ctx.event_time.add(r.event_time_us);
    }
    if (beyond) drop_future_rows(b, ctx);
  }
  schema_ptr output_schema() const override { return in_; }
  /// Rows with an event time past ctx.max_event_time_us → dead letters, with the reason.
  void drop_future_rows(batch& b, step_context& ctx) const {
    const schema& s = *b.schema;
    auto keep = std::stable_partition(b.rows.begin(), b.rows.end(), [&](const row& r) {
      return r.values[column_].index() != 2 || r.event_time_us <= ctx.max_event_time_us;
    });
    for (auto it = keep; it != b.rows.end(); ++it)
      ctx.dead_letters.push_back(dead_letter{
          encode_row(s, *it),
          "event time " + format_iso8601(it->event_time_us) + " of column '" + in_->at(column_).name +
              "' is past the bound " + format_iso8601(ctx.max_event_time_us) +
              " (processing time + max_future_event_time); it would move the watermark past every later row",
          "watermark", ctx.trigger});
    b.rows.erase(keep, b.rows.end());
  }
  std::string explain() const override {
    return "EventTimeWatermark " + in_->at(column_).name + ", delay " + std::to_string(delay_ / 1000) + " ms";
  }

 private:
  schema_ptr in_;
  size_t column_;
  int64_t delay_;
};

class validate_step final : public transform_step {
 public:
  validate_step(schema_ptr in, std::function<bool(const schema&, const row&)> rule, std::string reason)
      : schema_(std::move(in)), rule_(std::move(rule)), reason_(std::move(reason)) {}
  void apply(batch& b, step_context& ctx) const override {
    const schema& s = *b.schema;
    auto keep = std::stable_partition(b.rows.begin(), b.rows.end(), [&](const row& r) { return rule_(s, r); });
    for (auto it = keep; it != b.rows.end(); ++it)
      ctx.dead_letters.push_back(
          dead_letter{encode_row(s, *it), "failed validation: " + reason_, "validate", ctx.trigger});
    b.rows.erase(keep, b.rows.end());
  }
  schema_ptr output_schema() const override { return schema_; }
  std::string explain() const override { return "Validate " + reason_ + " (failures → dead letters)"; }

 private:
  schema_ptr schema_;
  std::function<bool(const schema&, const row&)> rule_;
  std::string reason_;
};

size_t require_column(const schema& s, const std::string& name, const char* what) {
  auto i = s.index_of(name);
  if (!i)
    throw std::invalid_argument(std::string(what) + ": unknown column '" + name + "'; the stream has (" + s.describe() +
                                ")");
  return *i;
}

}  // namespace

step_ptr make_filter(schema_ptr in, row_predicate pred, std::string description) {
  return std::make_shared<filter_step>(
      in, [p = std::move(pred)](const schema& s, const row& r) { return p(record(s, r)); }, std::move(description));
}

step_ptr make_filter(schema_ptr in, expression pred) {
  std::string d = pred.describe();
  return std::make_shared<filter_step>(
      in, [p = std::move(pred)](const schema&, const row& r) { return p.test(r); }, std::move(d));
}

step_ptr make_validate(schema_ptr in, row_predicate rule, std::string reason) {
  return std::make_shared<validate_step>(
      in, [p = std::move(rule)](const schema& s, const row& r) { return p(record(s, r)); }, std::move(reason));
}

step_ptr make_validate(schema_ptr in, expression rule, std::string reason) {
  if (reason.empty()) reason = rule.describe();
  return std::make_shared<validate_step>(
      in, [p = std::move(rule)](const schema&, const row& r) { return p.test(r); }, std::move(reason));
}

step_ptr make_select(schema_ptr in, const std::vector<std::string>& columns) {
  std::vector<column> cols;
  std::vector<size_t> idx;
  std::string event_time;
  for (const auto& c : columns) {
    size_t i = require_column(*in, c, "select");
    idx.push_back(i);
    cols.push_back(in->at(i));
    if (in->event_time_index() && *in->event_time_index() == i) event_time = c;
  }
  return std::make_shared<select_step>(std::make_shared<const schema>(std::move(cols), event_time), std::move(idx));
}

// The schema after adding (or replacing) column `name`: the event-time mark survives unless
// the event-time column itself is replaced.
schema_ptr with_column_schema(const schema& in, const std::string& name, column_type type,
                              std::optional<size_t>& replace) {
  auto cols = in.columns();
  replace = in.index_of(name);
  if (replace)
    cols[*replace] = column{name, type, false};
  else
    cols.push_back(column{name, type, false});
  std::string event_time;
  if (in.event_time_index() && (!replace || *replace != *in.event_time_index()))
    event_time = in.at(*in.event_time_index()).name;
  return std::make_shared<const schema>(std::move(cols), event_time);
}

step_ptr make_with_column(schema_ptr in, std::string name, column_type type, row_function fn, std::string description) {
  std::optional<size_t> replace;
  auto out = with_column_schema(*in, name, type, replace);
  return std::make_shared<with_column_step>(
      out, replace, [f = std::move(fn)](const schema& s, const row& r) { return f(record(s, r)); }, name,
      std::move(description), in);
}

step_ptr make_with_column(schema_ptr in, std::string name, expression expr) {
  std::optional<size_t> replace;
  auto out = with_column_schema(*in, name, expr.type(), replace);
  std::string d = expr.describe();
  return std::make_shared<with_column_step>(
      out, replace, [e = std::move(expr)](const schema&, const row& r) { return e.eval(r); }, name, std::move(d), in);
}

step_ptr make_from_json(schema_ptr in, std::string column, schema_ptr parsed, std::vector<std::string> keep) {
  size_t c = require_column(*in, column, "from_json");
  if (in->at(c).type != column_type::string)
    throw std::invalid_argument("from_json: column '" + column + "' must be a string column");
  std::vector<size_t> keep_idx;
  auto cols = parsed->columns();
  for (const auto& k : keep) {
    size_t i = require_column(*in, k, "from_json keep");
    keep_idx.push_back(i);
    auto col = in->at(i);
    if (parsed->index_of(col.name))
      throw std::invalid_argument("from_json: kept column '" + k + "' clashes with a parsed column");
    cols.push_back(col);
  }
  std::string event_time = parsed->event_time_index() ? parsed->at(*parsed->event_time_index()).name : std::string{};
  auto out = std::make_shared<const schema>(std::move(cols), event_time);
  return std::make_shared<from_json_step>(in, c, std::move(parsed), std::move(keep_idx), std::move(out));
}

step_ptr make_watermark_probe(schema_ptr in, std::string column, int64_t delay_us) {
  size_t c = require_column(*in, column, "with_watermark");
  if (in->at(c).type != column_type::timestamp)
    throw std::invalid_argument("with_watermark: column '" + column + "' must be a timestamp, not " +
                                to_string(in->at(c).type) + " (declare it as {\"type\": \"timestamp\"})");
  if (delay_us < 0) throw std::invalid_argument("with_watermark: delay should not be negative");
  return std::make_shared<watermark_probe>(std::move(in), c, delay_us);
}

}  // namespace sluice
