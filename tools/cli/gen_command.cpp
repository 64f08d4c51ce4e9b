// `sluice gen KIND --count N [--seed S] [--rate R] [--malformed F] [--to file:PATH | kafka:TOPIC --brokers B]`
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "apps/launch/kafka_feed.hpp"
#include "messages/data/time.hpp"
#include "state/io/gen/generator_reader.hpp"
#include "state/io/kafka/kafka_client.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace {

/// Where each partition of `topic` ends now (a topic gen creates has none yet: empty).
status partition_ends(rd_kafka_t* rk, const std::string& topic, std::map<int32_t, int64_t>& out) {
  std::vector<int32_t> parts;
  if (!kafka_topic_partitions(rk, topic, parts).is_ok()) return status::ok();  // created by the first record
  for (int32_t p : parts) {
    int64_t low = 0, high = 0;
    auto s = query_kafka_watermarks(rk, topic, p, low, high);
    if (!s.is_ok()) return s;
    out[p] = high;
  }
  return status::ok();
}

/// Records delivered and already gone again: a broker that keeps less than was written (the
/// embedded broker keeps about 5 MiB per partition) must not look like a full delivery.
status check_retained(rd_kafka_t* rk, const std::string& topic, const std::map<int32_t, int64_t>& start) {
  std::vector<int32_t> parts;
  auto s = kafka_topic_partitions(rk, topic, parts);
  if (!s.is_ok()) return s;
  std::string gone;
  for (int32_t p : parts) {
    int64_t low = 0, high = 0;
    s = query_kafka_watermarks(rk, topic, p, low, high);
    if (!s.is_ok()) return s;
    auto it = start.find(p);
    int64_t from = it == start.end() ? 0 : it->second;
    if (low > from)
      gone += (gone.empty() ? "" : ", ") + topic + "/" + std::to_string(p) + " keeps only offsets " +
              std::to_string(low) + ".." + std::to_string(high) + " (" + std::to_string(low - from) +
              " of the records just written are gone)";
  }
  if (gone.empty()) return status::ok();
  return status::io_error("the broker dropped records right after taking them: " + gone +
                          "; librdkafka's embedded broker keeps about 5 MiB per partition — give the topic more "
                          "partitions (sluice broker --topic NAME:PARTITIONS), write fewer records, or use a real "
                          "cluster");
}

}  // namespace
namespace po = boost::program_options;

int gen_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "this help")("count", po::value<uint64_t>()->default_value(1000), "records to generate")(
      "first", po::value<uint64_t>()->default_value(0),
      "index of the first record (records first … first + count − 1: a later run goes on where one ended)")(
      "seed", po::value<uint64_t>()->default_value(42), "seed (same seed, same records)")(
      "rate", po::value<double>()->default_value(0), "records per second (0 = at once)")(
      "users", po::value<uint64_t>()->default_value(1000), "distinct users")(
      "malformed", po::value<double>()->default_value(0), "share of malformed records, 0..1")(
      "disorder", po::value<double>()->default_value(0), "share of out-of-order records (up to 5 s back), 0..1")(
      "late", po::value<double>()->default_value(0),
      "share of late records (events: 10 min back; payments: arriving 2 h late), 0..1")(
      "missing", po::value<double>()->default_value(0), "payments: share of orders never paid, 0..1")(
      "spacing", po::value<std::string>()->default_value("1ms"), "event time between consecutive records")(
      "to", po::value<std::string>()->default_value("-"), "file:PATH, kafka:TOPIC, or - for stdout")(
      "brokers", po::value<std::string>(), "Kafka bootstrap servers for --to kafka:TOPIC (e.g. from `sluice broker`)")(
      "timeout", po::value<double>()->default_value(30),
      "--to kafka: seconds a record may wait for the broker (retried with back-off) before gen fails")(
      "keys", po::value<uint64_t>(), "key cardinality (alias of --users: devices for iot, rows for cdc)");
  std::string kinds;
  for (const auto& k : generator_kinds()) kinds += (kinds.empty() ? "" : ", ") + k;
  po::variables_map vm;
  if (auto done = parse_verb({"gen", "usage: sluice gen KIND [options]   (kinds: " + kinds + ")", "kind"}, d, args, vm))
    return *done;
  generator_spec spec;
  spec.kind = vm["kind"].as<std::string>();
  bool known = false;
  for (const auto& k : generator_kinds()) known |= k == spec.kind;
  if (!known) {
    std::fprintf(stderr, "sluice gen: unknown kind '%s'; accepted: %s\n", spec.kind.c_str(), kinds.c_str());
    return 2;
  }
  spec.count = vm["count"].as<uint64_t>();
  spec.seed = vm["seed"].as<uint64_t>();
  spec.keys = std::max<uint64_t>(1, vm.count("keys") ? vm["keys"].as<uint64_t>() : vm["users"].as<uint64_t>());
  spec.malformed_fraction = vm["malformed"].as<double>();
  spec.disorder_fraction = vm["disorder"].as<double>();
  spec.late_fraction = vm["late"].as<double>();
  spec.missing_fraction = vm["missing"].as<double>();
  if (spec.kind == "payments") spec.late_us = 7'200'000'000;
  auto spacing = parse_duration_us(vm["spacing"].as<std::string>());
  if (!spacing || *spacing <= 0) {
    std::fprintf(stderr, "sluice gen: --spacing expects a duration such as 1ms or 1s\n");
    return 2;
  }
  spec.spacing_us = *spacing;
  double rate = vm["rate"].as<double>();
  for (double f : {spec.malformed_fraction, spec.disorder_fraction, spec.late_fraction, spec.missing_fraction})
    if (f < 0 || f > 1) {
      std::fprintf(stderr, "sluice gen: --malformed, --disorder, --late and --missing take a share from 0 to 1\n");
      return 2;
    }
  std::string to = vm["to"].as<std::string>();
  if (to.rfind("kafka:", 0) == 0) {
    std::string topic = to.substr(6);
    if (topic.empty() || !vm.count("brokers")) {
      std::fprintf(stderr,
                   "sluice gen: --to kafka:TOPIC needs a topic name and --brokers HOST:PORT (start one with `sluice "
                   "broker`)\n");
      return 2;
    }
    if (spec.count == 0) {
      std::fprintf(stderr, "sluice gen: --count must be at least 1\n");
      return 2;
    }
    double timeout_s = vm["timeout"].as<double>();
    if (!(timeout_s > 0) || timeout_s > 3600) {
      std::fprintf(stderr, "sluice gen: --timeout takes seconds, more than 0 and at most 3600\n");
      return 2;
    }
    // librdkafka retries each record with back-off until it is delivered or this runs out;
    // then the flush below fails naming the reason (the broker unreachable, …).
    kafka_properties props;
    props["message.timeout.ms"] = std::to_string(static_cast<int64_t>(timeout_s * 1000));
    std::unique_ptr<kafka_producer> producer;
    auto s = kafka_producer::create(vm["brokers"].as<std::string>(), props, producer);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice gen: %s\n", s.to_string().c_str());
      return 2;
    }
    producer->set_warning_handler([](std::string w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); });
    std::map<int32_t, int64_t> start;  // each partition's end before gen wrote
    s = partition_ends(producer->handle(), topic, start);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice gen: %s\n", s.to_string().c_str());
      return 1;
    }
    std::atomic<bool> stop{false};
    int64_t produced = 0;
    s = produce_generated(*producer, {feed_topic{topic, spec, vm["first"].as<uint64_t>()}}, rate, stop, produced);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice gen: %s (%lld records delivered; a record waits at most --timeout %g s)\n",
                   s.to_string().c_str(), static_cast<long long>(producer->delivered()), timeout_s);
      return 1;
    }
    s = check_retained(producer->handle(), topic, start);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice gen: %s\n", s.to_string().c_str());
      return 1;
    }
    std::fprintf(stderr, "sluice gen: %lld %s records delivered to %s\n", static_cast<long long>(produced),
                 spec.kind.c_str(), topic.c_str());
    return 0;
  }
  std::FILE* out = stdout;
  if (to != "-") {
    if (to.rfind("file:", 0) != 0) {
      std::fprintf(stderr, "sluice gen: --to '%s': expected file:PATH, kafka:TOPIC or -\n", to.c_str());
      return 2;
    }
    out = std::fopen(to.substr(5).c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "sluice gen: cannot write '%s'\n", to.substr(5).c_str());
      return 1;
    }
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t first = vm["first"].as<uint64_t>();
  for (uint64_t i = 0; i < spec.count; ++i) {
    if (rate > 0)
      std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate)));
    std::string r = generate_record(spec, first + i);
    if (r.empty()) continue;  // a missing payment
    std::fwrite(r.data(), 1, r.size(), out);
    std::fputc('\n', out);
  }
  if (out != stdout) std::fclose(out);
  return 0;
}

}  // namespace sluice::cli
