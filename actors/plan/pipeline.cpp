#include "actors/plan/pipeline.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "actors/plan/stream_graph.hpp"
#include "messages/expr/expression.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

schema_ptr stream::schema() const {
  return p_->plan_.schema_of(ref_);
}

std::string stream::name() const {
  const auto& plan = p_->plan_;
  stream_ref at = origin_of(plan, ref_);  // an input's steps keep its name
  if (at.input) return plan.inputs[static_cast<size_t>(at.index)].name;
  const auto& n = plan.nodes[static_cast<size_t>(at.index)];
  if (!n.stage) return "union (node " + std::to_string(at.index) + ")";
  int stage = 0;
  for (int i = 0; i < at.index; ++i) stage += plan.nodes[static_cast<size_t>(i)].stage ? 1 : 0;
  return std::string(n.stage->kind()) + " (stage " + std::to_string(stage) + ")";
}

void stream::check_open(const char* what) const {
  if (p_->plan_.alerts && p_->plan_.alerts_sink < 0)
    throw std::invalid_argument("pipeline '" + p_->plan_.name + "': " + what +
                                ", but only to(sink) may follow alerts()");
}

std::vector<event_time_column> stream::event_time() const {
  return event_time_of(p_->plan_, ref_);
}

std::optional<event_time_column> stream::watermark_of(const char* what, const std::vector<std::string>& among) const {
  std::vector<event_time_column> found;
  for (const auto& c : event_time())
    if (among.empty() || std::find(among.begin(), among.end(), c.name) != among.end()) found.push_back(c);
  if (found.size() > 1) {
    std::string names;
    for (const auto& c : found) names += (names.empty() ? "" : ", ") + c.name;
    throw std::invalid_argument(std::string(what) +
                                ": More than one event time columns are available. Please ensure there is at most "
                                "one event time column per stream. event time columns: (" +
                                names + ")");
  }
  if (found.empty()) return std::nullopt;
  return found.front();
}

stream stream::add(step_ptr step) {
  return with_stage(nullptr, {ref_}, std::move(step));
}

stream stream::with_watermark(const std::string& column, std::chrono::microseconds delay) {
  // An input's own steps only: what it reads through stateless steps nothing else reads.
  auto& plan = p_->plan_;
  const char* where =
      "with_watermark belongs on an input (and its own steps), before it is joined, unioned or aggregated: "
      "Redefining watermark is disallowed downstream (spark-semantics §9)";
  if (readers_of(plan, ref_) > 0)
    throw std::invalid_argument("with_watermark: '" + name() + "' is already read by an operator; set it first");
  stream_ref at = ref_;
  while (!at.input) {
    const auto& n = plan.nodes[static_cast<size_t>(at.index)];
    if (n.stage || n.from.size() != 1) throw std::invalid_argument(where);
    at = n.from.front();
    if (readers_of(plan, at) != 1)
      throw std::invalid_argument("with_watermark: input '" + name() +
                                  "' is read elsewhere before this step; set the watermark first");
  }
  auto& in = plan.inputs[static_cast<size_t>(at.index)];
  if (in.watermark_column) throw std::invalid_argument("Redefining watermark is disallowed (input '" + in.name + "')");
  auto step = make_watermark_probe(schema(), column, delay.count());
  in.watermark_column = column;
  in.watermark_delay_us = delay.count();
  in.watermark_probe = step;
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

stream stream::lookup(const std::string& key_column, std::shared_ptr<dimension_table> table, lookup_kind kind) {
  return add(make_lookup(schema(), key_column, std::move(table), kind));
}

stream stream::union_with(const stream& other) {
  if (other.p_ != p_) throw std::invalid_argument("union_with: streams of different pipelines");
  auto a = schema(), b = other.schema();
  if (a->size() != b->size())
    throw std::invalid_argument("union_with: '" + name() + "' (" + a->describe() + ") and '" + other.name() + "' (" +
                                b->describe() + ") have different columns");
  for (size_t i = 0; i < a->size(); ++i)
    if (a->at(i).name != b->at(i).name || a->at(i).type != b->at(i).type)
      throw std::invalid_argument("union_with: column " + std::to_string(i) + " differs: '" + a->at(i).name + "' vs '" +
                                  b->at(i).name + "' (select the same columns first)");
  return with_stage(nullptr, {ref_, other.ref_});
}

join_input stream::as_join_input(const char* what) const {
  auto w = watermark_of(what);
  return join_input{name(), schema(), w ? std::optional<std::string>(w->name) : std::nullopt, w ? w->delay_us : 0};
}

stream stream::join(const stream& right, const join_options& options) {
  if (right.p_ != p_) throw std::invalid_argument("join: streams of different pipelines");
  join_input l = as_join_input("join (left side)"), r = right.as_join_input("join (right side)");
  if (l.name == r.name) {
    l.name = "left";
    r.name = "right";
  }
  return with_stage(make_join_stage(l, r, options), {ref_, right.ref_});
}

stream stream::temporal_join(const stream& versions, const temporal_join_options& options) {
  if (versions.p_ != p_) throw std::invalid_argument("temporal join: streams of different pipelines");
  join_input probe = as_join_input("temporal join (probe side)");
  join_input table = versions.as_join_input("temporal join (table side)");
  if (probe.name == table.name) {
    probe.name = "probe";
    table.name = "table";
  }
  return with_stage(make_temporal_join_stage(probe, table, options), {ref_, versions.ref_});
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

stream stream::with_stage(stage_ptr stage, std::vector<stream_ref> from, step_ptr step) const {
  check_open(stage ? "an operator was added" : step ? "a step was added" : "a union was added");
  auto& plan = p_->plan_;
  if (stage && stage->judges_event_time())
    if (const auto* up = late_emitter(plan, from))
      throw std::invalid_argument(
          std::string(stage->kind()) + " after " + up->kind() +
          ": Detected pattern of possible 'correctness' issue due to global watermark. The query contains stateful "
          "operation which can emit rows older than the current watermark plus allowed late record delay, which "
          "are \"late rows\" in downstream stateful operations and these rows can be discarded. Please refer the "
          "programming guide doc for more details. (An aggregation feeding another stateful operator must run in "
          "append mode.)");
  plan_node n;
  n.stage = std::move(stage);
  n.from = std::move(from);
  if (n.stage)
    for (const auto& r : n.from)
      if (auto w = produced_watermark(plan, r)) n.watermark_offset_us = std::min(n.watermark_offset_us.value_or(0), *w);
  n.output_schema = n.stage ? n.stage->output_schema() : step ? step->output_schema() : plan.schema_of(n.from.front());
  if (step) n.steps.push_back(std::move(step));
  plan.nodes.push_back(std::move(n));
  return stream(p_, stream_ref{false, static_cast<int>(plan.nodes.size() - 1)});
}

stream stream::aggregate(const aggregate_options& options) {
  std::vector<std::string> keys;
  for (const auto& k : options.group_by) keys.push_back(k.column);
  auto w = watermark_of("aggregate", keys);
  aggregate_input in{name(), schema(), w ? std::optional<std::string>(w->name) : std::nullopt, w ? w->delay_us : 0};
  return with_stage(make_aggregate_stage(in, options), {ref_});
}

stream stream::drop_duplicates(const dedup_options& options) {
  auto w = watermark_of("dropDuplicates");
  dedup_input in{name(), schema(), w ? std::optional<std::string>(w->name) : std::nullopt, w ? w->delay_us : 0};
  return with_stage(make_dedup_stage(in, options), {ref_});
}

stream stream::process_by_key(const std::string& column, std::function<std::unique_ptr<keyed_processor_base>()> make,
                              std::vector<sluice::column> output, keyed_process_options options,
                              std::string description) {
  return with_stage(make_keyed_process_stage(column, schema(), !event_time().empty(), std::move(make),
                                             std::move(output), std::move(options), std::move(description)),
                    {ref_});
}

stream stream::apply_cdc(const cdc_table_options& options) {
  p_->plan_.written_folders.push_back(options.table_dir);
  return with_stage(make_cdc_stage(schema(), options), {ref_});
}

stream stream::alerts(std::vector<alert_rule> rules, const sink_plan& output, alert_limits limits,
                      std::string state_dir) {
  check_open("alerts() was added");
  if (p_->plan_.alerts) throw std::invalid_argument("alerts: the query already has an alert emitter");
  auto in = schema();
  auto problem = alert_state::check(rules, *in);
  if (!problem.empty()) throw std::invalid_argument(problem);
  if (limits.max_per_key < 0 || limits.per_us <= 0 || limits.retention_us <= 0)
    throw std::invalid_argument("alerts: the rate limit needs max ≥ 0 and a positive interval and retention");
  auto plan = std::make_shared<alert_plan>();
  plan->rules = std::move(rules);
  plan->limits = limits;
  if (!state_dir.empty()) p_->plan_.memory_folders.push_back(state_dir);
  plan->state_dir = std::move(state_dir);
  plan->input_schema = in;
  for (const auto& c : output.required_columns)
    if (!alert_schema()->index_of(c))
      throw std::invalid_argument("alerts: " + output.description + " reads column '" + c +
                                  "', which alert rows do not have (" + alert_schema()->describe() + ")");
  plan->make_output = output.make;
  plan->output_description = output.description;
  p_->plan_.alerts = plan;
  p_->plan_.alerts_sink = -1;
  p_->alerts_from_ = ref_;
  return *this;
}

stream stream::to(sink_plan sink) {
  auto& plan = p_->plan_;
  if (plan.alerts && plan.alerts_sink < 0 && p_->alerts_from_ != ref_)
    throw std::invalid_argument("pipeline '" + plan.name + "': to() must follow alerts() on the same stream");
  auto out = schema();
  for (const auto& c : sink.required_columns)
    if (!out->index_of(c))
      throw std::invalid_argument(sink.description + " reads column '" + c + "', but the stream has " +
                                  out->describe() + "; select or rename a column to '" + c + "'");
  if (plan.alerts && plan.alerts_sink < 0) plan.alerts_sink = static_cast<int>(plan.sinks.size());
  sink.from = ref_;
  sink.schema = out;
  plan.sinks.push_back(std::move(sink));
  return *this;
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
pipeline& pipeline::with_watermark_scope(watermark_scope s) {
  plan_.scope = s;
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

pipeline& pipeline::with_max_future_event_time(int64_t bound_us) {
  if (bound_us < 0) throw std::invalid_argument("max_future_event_time must not be negative (0: no bound)");
  plan_.max_future_event_time_us = bound_us;
  return *this;
}

pipeline& pipeline::with_overwrite_outputs(bool on) {
  plan_.overwrite_outputs = on;
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
  return stream(this, stream_ref{true, static_cast<int>(plan_.inputs.size() - 1)});
}

query_plan_ptr pipeline::build() const {
  if (plan_.inputs.empty()) throw std::invalid_argument("pipeline '" + plan_.name + "' has no source");
  if (plan_.sinks.empty())
    throw std::invalid_argument("pipeline '" + plan_.name + "' has no sink: end it with .to(sink)");
  if (plan_.alerts && plan_.alerts_sink < 0)
    throw std::invalid_argument("pipeline '" + plan_.name + "': alerts() needs to(sink) after it");
  for (size_t i = 0; i < plan_.inputs.size(); ++i)
    if (readers_of(plan_, stream_ref{true, static_cast<int>(i)}) == 0)
      throw std::invalid_argument("pipeline '" + plan_.name + "': input '" + plan_.inputs[i].name +
                                  "' reaches no sink (join or union it with the others, or leave it out)");
  for (size_t i = 0; i < plan_.nodes.size(); ++i)
    if (readers_of(plan_, stream_ref{false, static_cast<int>(i)}) == 0)
      throw std::invalid_argument("pipeline '" + plan_.name + "': " +
                                  stream(const_cast<pipeline*>(this), stream_ref{false, static_cast<int>(i)}).name() +
                                  " reaches no sink");
  query_plan plan = plan_;
  fuse_steps(plan);
  for (const auto& in : plan.inputs)
    if (in.watermark_probe && std::find(in.steps.begin(), in.steps.end(), in.watermark_probe) == in.steps.end())
      throw std::invalid_argument("pipeline '" + plan_.name + "': input '" + in.name +
                                  "' is read by an operator before its watermark is set (its rows would reach it "
                                  "without event times); set with_watermark before the input is read twice");
  return std::make_shared<const query_plan>(std::move(plan));
}

}  // namespace sluice
