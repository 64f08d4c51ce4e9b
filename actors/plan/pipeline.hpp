// pipeline: the composition API — a thin typed builder over the actors. A custom app reads
// like the Spark code it replaces:
//
//   sluice::pipeline p("clean-events");
//   p.with_trigger(sluice::trigger_policy{sluice::trigger_kind::processing_time, 1'000'000});
//   p.source(sluice::sources::jsonl("events", "in/", events_schema))
//       .with_watermark("ts", std::chrono::seconds(10))
//       .filter([](const sluice::record& r) { return r.num("amount") > 0; }, "amount > 0")
//       .select({"user", "amount", "ts"})
//       .to(sluice::sinks::jsonl("out/"));
//   sluice::query_plan_ptr plan = p.build();   // every check runs here; explain() prints it
//
// Settings are `with_*`; each step checks its columns against the stream's schema at once
// and throws std::invalid_argument naming the column and what the stream has. Lambdas are
// checked at compile time: a wrong signature fails with a message naming the accepted one.
// `build()` refuses an unfinished pipeline (no sink, no source, a stream that reaches no sink,
// an input read before its watermark is set) with the reason. Streams are values: each step
// or operator makes a new node of the query graph (actors/plan/stream_graph.hpp fuses the
// steps back into one actor at build), so handles never see each other's steps.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "actors/operators/cdc/cdc_actor.hpp"
#include "actors/operators/dedup/dedup_actor.hpp"
#include "actors/operators/join/join_stage.hpp"
#include "actors/operators/join/temporal_join_stage.hpp"
#include "actors/operators/process/keyed_process_actor.hpp"
#include "actors/operators/transform/lookup_step.hpp"
#include "actors/operators/window/aggregate_stage.hpp"
#include "actors/plan/endpoints.hpp"
#include "actors/plan/query_plan.hpp"
#include "state/io/files/row_sink.hpp"
#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/kafka_reader.hpp"
#include "state/io/kafka/kafka_sink.hpp"

namespace sluice {

class pipeline;
class grouped_stream;
template <class K>
class keyed_stream;

/// A stream under construction: an input, or what a node of the query graph outputs (a
/// stateful operator, a union, steps). Streams compose freely: a stream may feed several
/// operators (fan-out) and a stateful operator's output may feed another (a chain, with
/// Spark's per-operator watermarks: spark-semantics §9).
class stream {
 public:
  schema_ptr schema() const;

  stream with_watermark(const std::string& column, std::chrono::microseconds delay);
  template <class Rep, class Period>
  stream with_watermark(const std::string& column, std::chrono::duration<Rep, Period> delay) {
    return with_watermark(column, std::chrono::duration_cast<std::chrono::microseconds>(delay));
  }

  template <class F>
  stream filter(F predicate, std::string description = "<lambda>") {
    static_assert(std::is_invocable_r_v<bool, F, const record&>,
                  "sluice::stream::filter takes a predicate callable as bool(const sluice::record&)");
    return add(make_filter(schema(), row_predicate(std::move(predicate)), std::move(description)));
  }
  /// Rows failing `rule` go to the dead letters with `reason` instead of downstream.
  template <class F>
  stream validate(F rule, std::string reason) {
    static_assert(std::is_invocable_r_v<bool, F, const record&>,
                  "sluice::stream::validate takes a rule callable as bool(const sluice::record&)");
    return add(make_validate(schema(), row_predicate(std::move(rule)), std::move(reason)));
  }
  stream validate(const boost::json::value& expr, std::string reason);
  /// A predicate in the JSON expression form (messages/expr/expression.hpp).
  stream where(const boost::json::value& expr);

  stream select(const std::vector<std::string>& columns);

  template <class F>
  stream with_column(const std::string& name, column_type type, F fn, std::string description = "<lambda>") {
    static_assert(std::is_invocable_r_v<value, F, const record&>,
                  "sluice::stream::with_column takes a function callable as sluice::value(const sluice::record&)");
    return add(make_with_column(schema(), name, type, row_function(std::move(fn)), std::move(description)));
  }
  stream with_column(const std::string& name, const boost::json::value& expr);

  /// Spark's from_json: parse string column `column` by `parsed`; bad rows → dead letters.
  stream from_json(const std::string& column, schema_ptr parsed, std::vector<std::string> keep = {});

  /// The lookup join (Spark's stream-static join): each row gets the columns of `table`'s row
  /// whose key equals its `key_column`; without one, inner drops the row and left gives nulls.
  stream lookup(const std::string& key_column, std::shared_ptr<dimension_table> table,
                lookup_kind kind = lookup_kind::left);

  /// Combines this stream with another of the same columns (Spark's union).
  stream union_with(const stream& other);

  /// Stream-stream join of this stream (left) with `right` (Spark's join between two streaming
  /// DataFrames); steps after it run on the joined rows. Refusals (no equality, an outer join
  /// whose state cannot be bounded, …) are thrown here, with Spark's messages.
  stream join(const stream& right, const join_options& options);
  /// Event-time temporal join (Flink's `FOR SYSTEM_TIME AS OF`): each row of this stream (the
  /// probe) joins the version of its key's row in `versions` (a changelog: each row is its
  /// key's table row from its event time on) valid at the probe row's event time. Both need
  /// a watermark; rows come out once the watermark passes them.
  stream temporal_join(const stream& versions, const temporal_join_options& options);

  /// The columns of this stream that carry the watermark (spark-semantics §9).
  std::vector<event_time_column> event_time() const;

  /// Streaming aggregation (Spark's groupBy(…).agg(…)): group by columns and at most one
  /// window or session window (keys::col / keys::window / keys::session_window), e.g.
  ///   s.group_by({keys::col("user"), keys::window("ts", 5min)})
  ///       .with_output_mode(output_mode::update)
  ///       .agg({aggs::count().as("n"), aggs::sum("amount").as("total")})
  /// Steps after it run on the aggregated rows. Refusals are thrown by agg(), with Spark's messages.
  grouped_stream group_by(std::vector<group_key> keys);
  stream aggregate(const aggregate_options& options);

  /// Streaming deduplication (Spark's dropDuplicates(keys) with the input's watermark, or
  /// dropDuplicatesWithinWatermark): the first row of each key passes; state evicted by the
  /// watermark when the keys hold the event-time column (within the watermark: always).
  stream drop_duplicates(const dedup_options& options);

  /// Custom per-key logic (Spark's transformWithState, Flink's KeyedProcessFunction): the
  /// stream keyed by `column`, whose type must be K (std::string for string columns, int64_t
  /// for int64 ones); then .process<P>(output columns) with P a sluice::keyed_processor<K>.
  template <class K>
  keyed_stream<K> key_by(const std::string& column);
  stream process_by_key(const std::string& column, std::function<std::unique_ptr<keyed_processor_base>()> make,
                        std::vector<sluice::column> output, keyed_process_options options, std::string description);

  /// Debezium change records (a Kafka source read with Spark's Kafka columns) applied to a
  /// LevelDB table (actors/operators/cdc/cdc_actor.hpp); the stream becomes the table's changelog.
  stream apply_cdc(const cdc_table_options& options);

  /// The alert emitter (actors/operators/alerts/alert_actor.hpp), in front of the sink: rows meeting a rule become
  /// alert rows (alert_schema()) written to `output` (sinks::kafka / jsonl / console), each (rule, key, window) once —
  /// across restarts when `state_dir` is given — and at most `limits.max_per_key` per key per `limits.per_us`. The
  /// stream's rows pass on unchanged; only to() may follow.
  stream alerts(std::vector<alert_rule> rules, const sink_plan& output, alert_limits limits = {},
                std::string state_dir = {});

  /// Writes the stream to a sink; a stream may go to several (`.to(kafka).to(files)`), and
  /// the stream goes on (more steps or operators may read it). Each sink commits exactly once
  /// per epoch on its own.
  stream to(sink_plan sink);

 private:
  friend class pipeline;
  stream(pipeline* p, stream_ref r) : p_(p), ref_(r) {}
  stream add(step_ptr step);
  /// The one column carrying the watermark that a stateful operator `what` judges rows by
  /// (Spark refuses more than one); `among` limits the candidates (an aggregate's group keys).
  std::optional<event_time_column> watermark_of(const char* what, const std::vector<std::string>& among = {}) const;
  /// This stream as one side of a join: its name, columns and watermark column.
  join_input as_join_input(const char* what) const;
  /// A new node of the graph reading `from` (ports in order): a stage, a step, or (neither) a union.
  stream with_stage(stage_ptr stage, std::vector<stream_ref> from, step_ptr step = nullptr) const;
  void check_open(const char* what) const;
  std::string name() const;
  pipeline* p_;
  stream_ref ref_;
};

/// A stream between group_by and agg: the aggregation's settings.
class grouped_stream {
 public:
  grouped_stream& with_output_mode(output_mode m) {
    options_.mode = m;
    return *this;
  }
  grouped_stream& with_partitions(int n) {
    options_.partitions = n;
    return *this;
  }
  /// Beyond Spark: rows dropped as late go to the dead letters with the watermark they missed.
  grouped_stream& with_late_rows_to_dead_letters(bool on = true) {
    options_.route_late_rows = on;
    return *this;
  }
  grouped_stream& with_output_columns(std::vector<std::string> columns) {
    options_.output_columns = std::move(columns);
    return *this;
  }
  stream agg(std::vector<aggregation> aggregations);

 private:
  friend class stream;
  grouped_stream(stream s, std::vector<group_key> keys) : stream_(std::move(s)) { options_.group_by = std::move(keys); }
  stream stream_;
  aggregate_options options_;
};

/// A readable C++ type name ("fraud::spend_spike") from typeid(…).name().
std::string type_name(const char* mangled);

/// A stream keyed by a column of type K, before .process<P>().
template <class K>
class keyed_stream {
  static_assert(std::is_same_v<K, std::string> || std::is_same_v<K, int64_t>,
                "sluice::stream::key_by<K>: K is std::string (string column) or int64_t (int64 column)");

 public:
  /// State `state` expires `ttl` of processing time after its last write.
  template <class Rep, class Period>
  keyed_stream& with_ttl(const std::string& state, std::chrono::duration<Rep, Period> ttl) {
    options_.ttl_us[state] = std::chrono::duration_cast<std::chrono::microseconds>(ttl).count();
    return *this;
  }
  keyed_stream& with_partitions(int n) {
    options_.partitions = n;
    return *this;
  }
  /// The processing-time clock (µs); tests pass a fixed one.
  keyed_stream& with_clock(std::function<int64_t()> clock) {
    options_.clock = std::move(clock);
    return *this;
  }
  /// Runs P (constructed from `args`, once per partition and restart) for every key.
  template <class P, class... Args>
  stream process(std::vector<column> output, Args... args) {
    static_assert(std::is_base_of_v<keyed_processor<K>, P>,
                  "sluice::keyed_stream<K>::process<P>: P must derive from sluice::keyed_processor<K>, with K the "
                  "type given to key_by<K>");
    return stream_.process_by_key(
        column_, [args...]() -> std::unique_ptr<keyed_processor_base> { return std::make_unique<P>(args...); },
        std::move(output), options_, type_name(typeid(P).name()));
  }

 private:
  friend class stream;
  keyed_stream(stream s, std::string column) : stream_(std::move(s)), column_(std::move(column)) {}
  stream stream_;
  std::string column_;
  keyed_process_options options_;
};

template <class K>
keyed_stream<K> stream::key_by(const std::string& column) {
  auto s = schema();
  auto i = s->index_of(column);
  if (!i) throw std::invalid_argument("key_by: no column '" + column + "' (the stream has " + s->describe() + ")");
  column_type want = std::is_same_v<K, std::string> ? column_type::string : column_type::int64;
  if (s->at(*i).type != want)
    throw std::invalid_argument("key_by<" + std::string(std::is_same_v<K, std::string> ? "std::string" : "int64_t") +
                                ">: column '" + column + "' is " + to_string(s->at(*i).type) + "; use key_by<" +
                                (s->at(*i).type == column_type::string ? "std::string" : "int64_t") + ">");
  return keyed_stream<K>(*this, column);
}

class pipeline {
 public:
  explicit pipeline(std::string name);

  pipeline& with_trigger(trigger_policy t);
  pipeline& with_watermark_policy(watermark_policy p);
  /// `partition` (the default) or Spark's `query` (messages/control/policies.hpp).
  pipeline& with_watermark_scope(watermark_scope s);
  /// Beyond Spark (Flink's withIdleness): a silent input stops holding the min back.
  pipeline& with_idle_timeout(std::chrono::microseconds t);
  pipeline& with_max_records_per_trigger(int64_t n);
  pipeline& with_trigger_credits(int n);
  pipeline& with_restart_strategy(restart_strategy r);
  pipeline& with_dead_letters(std::string directory);
  /// Whether a fresh start may remove this query's earlier output from its folders (default:
  /// no, the run is refused; state/io/files/output_folder.hpp).
  pipeline& with_overwrite_outputs(bool on);
  /// Rows whose event time is more than `bound` ahead of processing time go to the dead letters
  /// instead of moving the watermark (default 1 day; 0: no bound, as in Spark).
  pipeline& with_max_future_event_time(int64_t bound_us);
  /// Dead letters as records of a Kafka topic (value = {"record","reason","origin","trigger"}).
  pipeline& with_dead_letters(kafka_sink_options topic);
  /// Spark's noDataMicroBatches: after a trigger whose watermark moved, let stateful operators
  /// evict and emit at once (true, the default) or only with the next trigger that has data.
  pipeline& with_no_data_batches(bool enabled);

  stream source(source_spec s);
  /// Refuses a graph with a stream that reaches nothing (an input or operator no sink reads).
  query_plan_ptr build() const;
  std::string explain() const { return build()->explain(); }

 private:
  friend class stream;
  query_plan plan_;
  stream_ref alerts_from_;
};

}  // namespace sluice
