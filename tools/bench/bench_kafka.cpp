// `sluice bench kafka`: Kafka → JSON parse → passthrough → Kafka through the real actors (Kafka
// source, sink on threads of their own), next to a plain single-threaded loop — librdkafka
// consume, Boost.JSON parse, serialize, produce — on the same embedded broker and input, in
// the same run. Both are timed from their first record consumed to their last record
// delivered (the broker's 0.5 s first-fetch delay is left out of both); median of the runs.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_runner.hpp"
#include "apps/launch/kafka_feed.hpp"
#include "state/io/kafka/embedded_broker.hpp"
#include "tools/bench/bench_support.hpp"
#include "tools/cli/commands.hpp"

namespace sluice::cli {
namespace {

using clock_type = std::chrono::steady_clock;

/// The Kafka sink, remembering when it first saw rows.
class timed_sink final : public row_sink {
 public:
  timed_sink(kafka_sink_options o, std::shared_ptr<clock_type::time_point> first)
      : inner_(std::move(o)), first_(std::move(first)) {}
  status open() override { return inner_.open(); }
  status write(const batch& b) override {
    if (!b.rows.empty() && *first_ == clock_type::time_point{}) *first_ = clock_type::now();
    return inner_.write(b);
  }
  status finish(int64_t t, int64_t& rows) override { return inner_.finish(t, rows); }
  std::string description() const override { return inner_.description(); }
  bool blocking() const override { return true; }

 private:
  kafka_sink inner_;
  std::shared_ptr<clock_type::time_point> first_;
};

double engine_run(const std::string& brokers, const std::string& assign, const std::string& out_topic,
                  int64_t& written) {
  kafka_source_options in;
  in.brokers = brokers;
  in.assign = assign;
  in.starting_offsets = "earliest";
  in.ending_offsets = "latest";
  kafka_sink_options out;
  out.brokers = brokers;
  out.topic = out_topic;
  auto first = std::make_shared<clock_type::time_point>();
  pipeline p("bench-kafka");
  p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
  p.with_max_records_per_trigger(4096);
  p.source(sources::kafka("events", in, sources::events_schema()))
      .to(sink_plan{"KafkaSink[" + out_topic + "]",
                    {},
                    [out, first] { return std::make_shared<timed_sink>(out, first); },
                    nullptr,
                    {},
                    {},
                    nullptr});
  auto result = run_queries({p.build()}, {});
  auto end = clock_type::now();
  if (!result.ok || result.outcomes.empty()) throw std::runtime_error("bench kafka: the query failed");
  written = result.outcomes.front().summary.output_rows;
  return static_cast<double>(written) / std::chrono::duration<double>(end - *first).count();
}

double baseline_run(const std::string& brokers, const std::vector<int32_t>& parts, const std::string& out_topic,
                    uint64_t records, int64_t& written) {
  rd_kafka_conf_t* conf = nullptr;
  if (!make_kafka_conf(brokers, {{"group.id", "bench-baseline"}, {"enable.auto.commit", "false"}}, {}, &conf).is_ok())
    throw std::runtime_error("bench kafka: consumer config");
  char err[256];
  kafka_handle c(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  rd_kafka_poll_set_consumer(c.get());
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  for (auto p : parts) rd_kafka_topic_partition_list_add(list, "bench-in", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  std::unique_ptr<kafka_producer> producer;
  if (!kafka_producer::create(brokers, {}, producer).is_ok()) throw std::runtime_error("bench kafka: producer");
  clock_type::time_point first{};
  uint64_t seen = 0;
  std::string text;
  while (seen < records) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c.get(), 1000);
    if (!m) continue;
    if (!m->err) {
      if (seen == 0) first = clock_type::now();
      ++seen;
      boost::json::error_code ec;
      auto v = boost::json::parse(std::string_view(static_cast<const char*>(m->payload), m->len), ec);
      if (!ec) {
        text = boost::json::serialize(v);
        if (!producer->produce(out_topic, text).is_ok()) throw std::runtime_error("bench kafka: produce");
        ++written;
      }
      if ((seen & 1023) == 0) producer->poll();
    }
    rd_kafka_message_destroy(m);
  }
  if (!producer->flush().is_ok()) throw std::runtime_error("bench kafka: delivery failed");
  auto end = clock_type::now();
  rd_kafka_consumer_close(c.get());
  return static_cast<double>(seen) / std::chrono::duration<double>(end - first).count();
}

}  // namespace

int bench_kafka(uint64_t records, int runs) {
  std::unique_ptr<embedded_broker> broker;
  auto s = embedded_broker::start(1, broker);
  if (!s.is_ok()) throw std::runtime_error(s.to_string());
  const int partitions = 32;  // ≤ 5 MiB per partition for 1 M events (platform-notes §3)
  s = broker->create_topic("bench-in", partitions);
  if (!s.is_ok()) throw std::runtime_error(s.to_string());
  std::unique_ptr<kafka_producer> producer;
  s = kafka_producer::create(broker->bootstrap(), {}, producer);
  generator_spec spec;
  spec.count = records;
  spec.seed = 7;
  std::atomic<bool> stop{false};
  int64_t produced = 0;
  if (s.is_ok()) s = produce_generated(*producer, {feed_topic{"bench-in", spec}}, 0, stop, produced);
  if (!s.is_ok()) throw std::runtime_error("bench kafka: loading the input: " + s.to_string());
  std::vector<int32_t> parts;
  std::string assign = "{\"bench-in\":[";
  for (int p = 0; p < partitions; ++p) {
    parts.push_back(p);
    assign += (p ? "," : "") + std::to_string(p);
  }
  assign += "]}";
  int64_t written_engine = 0, written_base = 0;
  int base_runs = 0, engine_runs = 0;  // each run writes a topic of its own
  auto m = alternate_runs(
      runs,
      [&] {
        written_base = 0;
        return baseline_run(broker->bootstrap(), parts, "base-out-" + std::to_string(base_runs++), records,
                            written_base);
      },
      [&] {
        return engine_run(broker->bootstrap(), assign, "engine-out-" + std::to_string(engine_runs++), written_engine);
      });
  std::printf("bench kafka: %llu events per run (%d partitions, embedded broker), %d runs each\n",
              static_cast<unsigned long long>(records), partitions, runs);
  std::printf("  baseline (one thread: consume → Boost.JSON parse → serialize → produce): %10.0f events/s\n",
              m.baseline);
  std::printf("  sluice   (Kafka source → decode → passthrough → Kafka sink actors):     %10.0f events/s\n", m.engine);
  std::printf("  ratio sluice / baseline: %.2f   (records written: engine %lld, baseline %lld)\n",
              m.engine / m.baseline, static_cast<long long>(written_engine), static_cast<long long>(written_base));
  if (written_engine != static_cast<int64_t>(records) || written_base != static_cast<int64_t>(records)) {
    std::fprintf(stderr, "bench kafka: a side did not write every record\n");
    return 1;
  }
  return 0;
}

}  // namespace sluice::cli
