#include "apps/launch/kafka_input.hpp"

#include "apps/launch/kafka_feed.hpp"

namespace sluice {

std::vector<app_setting> kafka_input_settings() {
  return {
      {"input", "kafka", "kafka (topics; fed with generated records on the embedded broker) or generator"},
      {"kafka.brokers", "", "bootstrap servers of a Kafka cluster; empty = the embedded broker (or --brokers)"},
      {"kafka.partitions", "1", "partitions of the input topics the app creates on the embedded broker"},
      {"kafka.group", "", "consumer group (empty = sluice-<app>); processes sharing it share the partitions"},
      {"kafka.feed", "auto", "produce the generated input into the topics: auto (embedded broker only), true, false"},
      {"kafka.starting_offsets", "earliest", "where a new query starts: earliest, latest or JSON offsets"},
      {"kafka.ending_offsets", "",
       "where the query ends: empty = runs on; latest = the topics' end when it starts (a fixed input, as sluice "
       "chaos uses)"},
  };
}

namespace {

/// What librdkafka's embedded broker keeps of a partition (about 5 MiB), less a margin for
/// record framing: a feed at full speed must fit in it, since it runs ahead of the query.
constexpr double embedded_partition_bytes = 4.0 * 1024 * 1024;

/// An unpaced feed (rate 0) into the embedded broker is refused before anything starts when
/// its records would not fit in what the broker keeps per partition: the broker would drop the
/// oldest before the query read them (the query then fails with failOnDataLoss).
void check_embedded_room(const std::vector<app_input>& inputs, int partitions) {
  if (inputs.empty() || inputs.front().spec.rate > 0) return;
  for (const auto& in : inputs) {
    constexpr uint64_t sample = 256;
    double bytes = 0;
    for (uint64_t n = 0; n < sample; ++n) bytes += static_cast<double>(generate_record(in.spec, n).size());
    double per_partition = static_cast<double>(in.spec.count) * bytes / sample / partitions;
    if (in.spec.count != 0 && per_partition <= embedded_partition_bytes) continue;
    std::string size = in.spec.count == 0 ? "an unbounded count"
                                          : "about " + std::to_string(static_cast<int64_t>(per_partition / 1048576)) +
                                                " MiB per partition";
    throw config_error("the input '" + in.name + "' would be fed into the embedded broker as fast as it takes it (" +
                       size + "), but librdkafka's embedded broker keeps only about 5 MiB of a partition: " +
                       "records would be dropped before the query reads them. Give the feed a pace ('" +
                       inputs.front().name + ".rate', records per second), more partitions (kafka.partitions), " +
                       "fewer records ('" + in.name + ".count'), or use a real cluster (--brokers)");
  }
}

}  // namespace

std::vector<source_spec> app_inputs(const app_config& c, const std::vector<app_input>& inputs,
                                    const std::string& query) {
  std::vector<source_spec> out;
  std::string input = c.str("input");
  if (input == "generator") {
    for (const auto& in : inputs) out.push_back(sources::generator(in.name, in.spec, in.schema));
    return out;
  }
  if (input != "kafka") throw config_error("setting 'input' = '" + input + "': expected kafka or generator");
  std::string brokers = c.str("kafka.brokers");
  app_runtime* rt = c.runtime;
  bool embedded = false;
  if (brokers.empty()) {
    if (rt && rt->brokers) {
      brokers = rt->brokers();
      embedded = rt->embedded;
    } else {
      brokers = "<embedded broker>";
      embedded = true;
    }
  }
  std::string feed = c.str("kafka.feed");
  if (feed != "auto" && feed != "true" && feed != "false")
    throw config_error("setting 'kafka.feed' = '" + feed + "': expected auto, true or false");
  bool feeding = feed == "true" || (feed == "auto" && embedded);
  int partitions = static_cast<int>(c.integer("kafka.partitions", 1, 1024));
  std::shared_ptr<std::atomic<bool>> end;
  bool fed_already = rt && !inputs.empty();
  for (const auto& in : inputs) fed_already &= rt && rt->fed_topics.count(in.topic) > 0;
  if (fed_already) {
    end = rt->fed_topics[inputs.front().topic];
  } else if (feeding && rt) {
    if (embedded) check_embedded_room(inputs, partitions);
    std::vector<feed_topic> topics;
    bool bounded = true;
    for (const auto& in : inputs) {
      if (rt->create_topic) rt->create_topic(in.topic, partitions);
      topics.push_back(feed_topic{in.topic, in.spec});
      bounded &= in.spec.count > 0;
    }
    auto f = std::make_shared<kafka_feed>(brokers, std::move(topics), inputs.front().spec.rate, rt->warn);
    if (bounded) end = f->done();
    for (const auto& in : inputs) rt->fed_topics[in.topic] = end;
    rt->keep_alive.push_back(f);
    rt->checks.push_back([f] { return f->error(); });
  }
  for (const auto& in : inputs) {
    kafka_source_options k;
    k.brokers = brokers;
    k.topics = {in.topic};
    k.group_id = c.str("kafka.group");
    if (k.group_id.empty())
      k.group_id = "sluice-" + c.app_name() + "-" + (query.empty() ? "" : query + "-") + in.name;
    else if (!query.empty())
      k.group_id += "-" + query;
    k.starting_offsets = c.str("kafka.starting_offsets");
    k.end_signal = end;
    k.ending_offsets = c.str("kafka.ending_offsets");
    if (!k.ending_offsets.empty() && k.ending_offsets != "latest")
      throw config_error("setting 'kafka.ending_offsets' = '" + k.ending_offsets + "': expected latest or empty");
    out.push_back(sources::kafka(in.name, std::move(k), in.schema));
  }
  return out;
}

}  // namespace sluice
