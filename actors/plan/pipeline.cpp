#include "actors/plan/pipeline.hpp"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "messages/expr/expression.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

namespace sources {

source_spec generator(std::string name, generator_spec spec, schema_ptr schema) {
  std::string d = "Generator[" + spec.kind + ", seed " + std::to_string(spec.seed) +
                  (spec.count ? ", " + std::to_string(spec.count) + " records" : ", unbounded") +
                  (spec.rate > 0 ? ", " + std::to_string(static_cast<int64_t>(spec.rate)) + "/s" : "") + "]";
  return source_spec{std::move(name), d, [spec] { return std::make_shared<generator_reader>(spec); },
                     record_format::json, std::move(schema)};
}

source_spec jsonl(std::string name, std::string path, schema_ptr schema, bool bounded) {
  std::string d = "FileSource[" + path + "]";
  return source_spec{std::move(name), d, [path, bounded] { return std::make_shared<jsonl_reader>(path, bounded); },
                     record_format::json, std::move(schema)};
}

source_spec memory(std::string name, std::shared_ptr<memory_reader::channel> channel, schema_ptr schema) {
  std::string n = name;
  return source_spec{std::move(name), "MemorySource[" + n + "]",
                     [channel, n] { return std::make_shared<memory_reader>(channel, n); }, record_format::json,
                     std::move(schema)};
}

source_spec kafka(std::string name, kafka_source_options options, schema_ptr schema) {
  auto s = options.validate();
  if (!s.is_ok()) throw std::invalid_argument("source '" + name + "': " + s.message());
  std::string d = options.describe();
  auto fmt = schema ? record_format::json : record_format::kafka;
  options.with_metadata = !schema;
  if (!schema) schema = kafka_record_schema();
  return source_spec{std::move(name), d, [options] { return std::make_shared<kafka_reader>(options); }, fmt,
                     std::move(schema)};
}

source_spec raw(source_spec s) {
  s.format = record_format::raw;
  s.schema = raw_landing_schema();
  return s;
}

schema_ptr events_schema() {
  return generator_schema("events");
}

}  // namespace sources

namespace sinks {

sink_plan jsonl(std::string directory) {
  return sink_plan{"FileSink[" + directory + "]",
                   [directory] { return std::make_shared<jsonl_sink>(directory); },
                   [directory] {
                     std::FILE* f = std::fopen((directory + "/_SUCCESS").c_str(), "w");
                     if (f) std::fclose(f);
                   },
                   {}};
}

sink_plan console(size_t max_rows) {
  return sink_plan{"ConsoleSink", [max_rows] { return std::make_shared<console_sink>(stdout, max_rows); }, nullptr, {}};
}

sink_plan memory(std::shared_ptr<memory_sink::store> store) {
  return sink_plan{"MemorySink", [store] { return std::make_shared<memory_sink>(store); }, nullptr, {}};
}

sink_plan kafka(kafka_sink_options options) {
  auto s = options.validate();
  if (!s.is_ok()) throw std::invalid_argument(s.message());
  sink_plan plan{
      "KafkaSink[" + options.topic + "]", [options] { return std::make_shared<kafka_sink>(options); }, nullptr, {}};
  for (const auto* c : {&options.key_column, &options.value_column, &options.headers_column})
    if (!c->empty()) plan.required_columns.push_back(*c);
  return plan;
}

}  // namespace sinks

schema_ptr stream::schema() const {
  if (input_ < 0) {
    if (!p_->plan_.steps.empty()) return p_->plan_.steps.back()->output_schema();
    if (p_->plan_.stage) return p_->plan_.stage->output_schema();
    return p_->plan_.inputs.front().output_schema;
  }
  return p_->plan_.inputs[static_cast<size_t>(input_)].output_schema;
}

stream stream::add(step_ptr step) {
  if (p_->has_sink_) throw std::invalid_argument("pipeline '" + p_->plan_.name + "': a step was added after to(sink)");
  if (p_->plan_.alerts)
    throw std::invalid_argument("pipeline '" + p_->plan_.name + "': only to(sink) may follow alerts()");
  if (input_ >= 0 && p_->combined_)
    throw std::invalid_argument("pipeline '" + p_->plan_.name +
                                "': this input was already combined with union_with; add steps to the combined stream");
  schema_ptr out = step->output_schema();
  if (input_ < 0) {
    p_->plan_.steps.push_back(std::move(step));
  } else {
    auto& in = p_->plan_.inputs[static_cast<size_t>(input_)];
    in.steps.push_back(std::move(step));
    in.output_schema = out;
  }
  return *this;
}

stream stream::with_watermark(const std::string& column, std::chrono::microseconds delay) {
  if (input_ < 0) throw std::invalid_argument("with_watermark belongs on an input, before union_with");
  auto& in = p_->plan_.inputs[static_cast<size_t>(input_)];
  if (in.watermark_column) throw std::invalid_argument("Redefining watermark is disallowed (input '" + in.name + "')");
  auto step = make_watermark_probe(schema(), column, delay.count());
  in.watermark_column = column;
  in.watermark_delay_us = delay.count();
  return add(std::move(step));
}

stream stream::where(const boost::json::value& expr) {
  return add(make_filter(schema(), expression::compile(expr, *schema())));
}

stream stream::validate(const boost::json::value& expr, std::string reason) {
  return add(make_validate(schema(), expression::compile(expr, *schema()), std::move(reason)));
}

stream stream::select(const std::vector<std::string>& columns) {
  return add(make_select(schema(), columns));
}

stream stream::with_column(const std::string& name, const boost::json::value& expr) {
  return add(make_with_column(schema(), name, expression::compile(expr, *schema())));
}

stream stream::from_json(const std::string& column, schema_ptr parsed, std::vector<std::string> keep) {
  return add(make_from_json(schema(), column, std::move(parsed), std::move(keep)));
}

stream stream::union_with(const stream& other) {
  if (other.p_ != p_) throw std::invalid_argument("union_with: streams of different pipelines");
  if (other.input_ < 0)
    throw std::invalid_argument("union_with takes an input stream (a source), not the combined stream");
  if (input_ < 0 && !p_->plan_.steps.empty())
    throw std::invalid_argument("union_with: combine all inputs before adding steps to the combined stream");
  const auto& a = p_->plan_.inputs[input_ < 0 ? 0 : static_cast<size_t>(input_)];
  const auto& b = p_->plan_.inputs[static_cast<size_t>(other.input_)];
  if (a.output_schema->size() != b.output_schema->size())
    throw std::invalid_argument("union_with: inputs '" + a.name + "' (" + a.output_schema->describe() + ") and '" +
                                b.name + "' (" + b.output_schema->describe() + ") have different columns");
  for (size_t i = 0; i < a.output_schema->size(); ++i)
    if (a.output_schema->at(i).name != b.output_schema->at(i).name ||
        a.output_schema->at(i).type != b.output_schema->at(i).type)
      throw std::invalid_argument("union_with: column " + std::to_string(i) + " differs: '" +
                                  a.output_schema->at(i).name + "' vs '" + b.output_schema->at(i).name +
                                  "' (select the same columns first)");
  p_->combined_ = true;
  return stream(p_, -1);
}

stream stream::join(const stream& right, const join_options& options) {
  if (right.p_ != p_) throw std::invalid_argument("join: streams of different pipelines");
  if (input_ < 0 || right.input_ < 0 || input_ == right.input_)
    throw std::invalid_argument("join takes two different inputs (sources), before any union_with");
  if (p_->combined_ || p_->plan_.stage) throw std::invalid_argument("join: the inputs were already combined");
  if (p_->plan_.inputs.size() != 2 || input_ != 0)
    throw std::invalid_argument("join: the pipeline must have exactly two inputs, the left one added first");
  const auto& l = p_->plan_.inputs[0];
  const auto& r = p_->plan_.inputs[1];
  return with_stage(make_join_stage(join_input{l.name, l.output_schema, l.watermark_column},
                                    join_input{r.name, r.output_schema, r.watermark_column}, options));
}

std::string type_name(const char* mangled) {
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string out = status == 0 && d ? d : mangled;
  std::free(d);
  for (const char* anon : {"(anonymous namespace)::", "sluice::"})
    for (size_t p; (p = out.find(anon)) != std::string::npos;) out.erase(p, std::strlen(anon));
  return out;
}

grouped_stream stream::group_by(std::vector<group_key> keys) {
  return grouped_stream(*this, std::move(keys));
}

stream grouped_stream::agg(std::vector<aggregation> aggregations) {
  options_.aggregations = std::move(aggregations);
  return stream_.aggregate(options_);
}

const input_plan& stream::stateful_input(const char* what) const {
  if (p_->plan_.stage)
    throw std::invalid_argument(std::string(what) + ": the query already has a stateful operator (" +
                                p_->plan_.stage->explain() + "); one per query");
  if (input_ < 0 && !p_->plan_.steps.empty())
    throw std::invalid_argument(std::string(what) + ": it must come before the steps on the combined stream");
  if (input_ >= 0 && p_->plan_.inputs.size() > 1)
    throw std::invalid_argument(std::string(what) +
                                ": the pipeline has several inputs; combine them (union_with) first");
  return p_->plan_.inputs[input_ < 0 ? 0 : static_cast<size_t>(input_)];
}

stream stream::with_stage(stage_ptr stage) {
  p_->plan_.stage = std::move(stage);
  p_->combined_ = true;
  return stream(p_, -1);
}

stream stream::aggregate(const aggregate_options& options) {
  const auto& in = single_watermark_input("aggregate");
  return with_stage(make_aggregate_stage(aggregate_input{in.name, in.output_schema, in.watermark_column}, options));
}

stream stream::drop_duplicates(const dedup_options& options) {
  const auto& in = single_watermark_input("drop_duplicates");
  return with_stage(
      make_dedup_stage(dedup_input{in.name, in.output_schema, in.watermark_column, in.watermark_delay_us}, options));
}

const input_plan& stream::single_watermark_input(const char* what) const {
  const auto& in = stateful_input(what);
  for (const auto& other : p_->plan_.inputs)
    if (other.watermark_column != in.watermark_column)
      throw std::invalid_argument(std::string(what) + ": inputs '" + in.name + "' and '" + other.name +
                                  "' have different watermark columns");
  return in;
}

stream stream::process_by_key(const std::string& column, std::function<std::unique_ptr<keyed_processor_base>()> make,
                              std::vector<sluice::column> output, keyed_process_options options,
                              std::string description) {
  const auto& in = stateful_input("process");
  return with_stage(make_keyed_process_stage(column, in.output_schema, in.watermark_column.has_value(), std::move(make),
                                             std::move(output), std::move(options), std::move(description)));
}

stream stream::apply_cdc(const cdc_table_options& options) {
  stateful_input("apply_cdc");
  return with_stage(make_cdc_stage(schema(), options));
}

stream stream::alerts(std::vector<alert_rule> rules, const sink_plan& output, alert_limits limits,
                      std::string state_dir) {
  if (p_->plan_.alerts) throw std::invalid_argument("alerts: the query already has an alert emitter");
  if (input_ >= 0 && p_->plan_.inputs.size() > 1 && !p_->combined_)
    throw std::invalid_argument("alerts: combine the inputs first");
  auto in = schema();
  auto problem = alert_state::check(rules, *in);
  if (!problem.empty()) throw std::invalid_argument(problem);
  if (limits.max_per_key < 0 || limits.per_us <= 0 || limits.retention_us <= 0)
    throw std::invalid_argument("alerts: the rate limit needs max ≥ 0 and a positive interval and retention");
  auto plan = std::make_shared<alert_plan>();
  plan->rules = std::move(rules);
  plan->limits = limits;
  plan->state_dir = std::move(state_dir);
  plan->input_schema = in;
  for (const auto& c : output.required_columns)
    if (!alert_schema()->index_of(c))
      throw std::invalid_argument("alerts: " + output.description + " reads column '" + c +
                                  "', which alert rows do not have (" + alert_schema()->describe() + ")");
  plan->make_output = output.make;
  plan->output_description = output.description;
  p_->plan_.alerts = plan;
  p_->combined_ = true;
  return stream(p_, -1);
}

void stream::to(sink_plan sink) {
  if (p_->has_sink_) throw std::invalid_argument("pipeline '" + p_->plan_.name + "' already has a sink");
  if (input_ >= 0 && p_->plan_.inputs.size() > 1 && !p_->combined_)
    throw std::invalid_argument("pipeline '" + p_->plan_.name + "' has " + std::to_string(p_->plan_.inputs.size()) +
                                " inputs: combine them (union_with) before to()");
  auto out = schema();
  for (const auto& c : sink.required_columns)
    if (!out->index_of(c))
      throw std::invalid_argument(sink.description + " reads column '" + c + "', but the stream has " +
                                  out->describe() + "; select or rename a column to '" + c + "'");
  p_->plan_.sink = std::move(sink);
  p_->plan_.output_schema = out;
  p_->has_sink_ = true;
}

pipeline::pipeline(std::string name) {
  plan_.name = std::move(name);
  plan_.dead_letter_dir = "sluice-output/" + plan_.name + "/_dead_letters";
}

pipeline& pipeline::with_trigger(trigger_policy t) {
  if (t.interval_us < 0) throw std::invalid_argument("trigger interval should not be negative");
  plan_.trigger = t;
  return *this;
}
pipeline& pipeline::with_watermark_policy(watermark_policy p) {
  plan_.policy = p;
  return *this;
}
pipeline& pipeline::with_idle_timeout(std::chrono::microseconds t) {
  if (t.count() <= 0) throw std::invalid_argument("idle timeout must be positive");
  plan_.idle_timeout_us = t.count();
  return *this;
}
pipeline& pipeline::with_max_records_per_trigger(int64_t n) {
  if (n < 0) throw std::invalid_argument("max records per trigger must be ≥ 0 (0 = no cap)");
  plan_.max_records_per_trigger = n;
  return *this;
}
pipeline& pipeline::with_trigger_credits(int n) {
  if (n < 1) throw std::invalid_argument("trigger credits must be ≥ 1");
  plan_.max_inflight_triggers = n;
  return *this;
}
pipeline& pipeline::with_restart_strategy(restart_strategy r) {
  if (r.max_restarts < 0 || r.within_us <= 0 || r.initial_backoff_us < 0 || r.multiplier < 1.0)
    throw std::invalid_argument("restart strategy: max ≥ 0, within > 0, backoff ≥ 0 and multiplier ≥ 1 are required");
  plan_.restart = r;
  return *this;
}
pipeline& pipeline::with_no_data_batches(bool enabled) {
  plan_.no_data_batches = enabled;
  return *this;
}

pipeline& pipeline::with_dead_letters(std::string directory) {
  plan_.dead_letter_dir = std::move(directory);
  plan_.make_dead_letter_sink = nullptr;
  return *this;
}

pipeline& pipeline::with_dead_letters(kafka_sink_options topic) {
  auto s = topic.validate();
  if (!s.is_ok()) throw std::invalid_argument("dead letters: " + s.message());
  topic.key_column.clear();
  topic.value_column.clear();
  topic.headers_column.clear();
  plan_.dead_letter_dir = "kafka:" + topic.topic;
  plan_.make_dead_letter_sink = [topic] { return std::make_shared<kafka_sink>(topic); };
  return *this;
}

stream pipeline::source(source_spec s) {
  if (combined_) throw std::invalid_argument("pipeline '" + plan_.name + "': add sources before union_with");
  if (!s.schema) throw std::invalid_argument("source '" + s.name + "' has no schema");
  for (const auto& in : plan_.inputs)
    if (in.name == s.name)
      throw std::invalid_argument("pipeline '" + plan_.name + "' has two inputs named '" + s.name + "'");
  input_plan in;
  in.name = s.name;
  in.description = s.description;
  in.make_reader = std::move(s.make_reader);
  in.format = s.format;
  in.source_schema = s.schema;
  in.output_schema = s.schema;
  plan_.inputs.push_back(std::move(in));
  return stream(this, static_cast<int>(plan_.inputs.size() - 1));
}

query_plan_ptr pipeline::build() const {
  if (plan_.inputs.empty()) throw std::invalid_argument("pipeline '" + plan_.name + "' has no source");
  if (!has_sink_) throw std::invalid_argument("pipeline '" + plan_.name + "' has no sink: end it with .to(sink)");
  return std::make_shared<const query_plan>(plan_);
}

}  // namespace sluice
