// `sluice broker [--brokers N] [--topic NAME:PARTITIONS]…` — librdkafka's mock cluster on
// localhost for development, tests and demos: prints its bootstrap address on stdout (one
// line, flushed), then serves until SIGINT/SIGTERM. In memory only: topics and records are
// gone when it exits. Not a Kafka replacement (state/io/kafka/embedded_broker.hpp, docs/kafka.md).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "state/io/kafka/embedded_broker.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;

int broker_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  po::options_description d("options");
  d.add_options()("help,h", "this help")("brokers", po::value<int>()->default_value(1),
                                         "brokers in the cluster (1-16)")(
      "topic", po::value<std::vector<std::string>>()->composing(),
      "NAME:PARTITIONS — create a topic (repeatable; other topics are created on first use with 4 partitions)");
  verb_syntax syntax{"broker",
                     "usage: sluice broker [--brokers N] [--topic NAME:PARTITIONS]…\n\n"
                     "Starts an in-memory Kafka-protocol broker (librdkafka's mock cluster) on 127.0.0.1 and prints\n"
                     "its bootstrap address. For development, tests and demos only: nothing is kept on disk, each\n"
                     "partition keeps only its last 5 MiB, ports are random. Ctrl-C stops it."};
  po::variables_map vm;
  if (auto done = parse_verb(syntax, d, args, vm)) return *done;
  std::vector<std::pair<std::string, int>> topics;
  if (vm.count("topic"))
    for (const auto& t : vm["topic"].as<std::vector<std::string>>()) {
      auto colon = t.rfind(':');
      int parts = 0;
      if (colon == std::string::npos || colon == 0 || (parts = std::atoi(t.c_str() + colon + 1)) <= 0) {
        std::fprintf(stderr, "sluice broker: --topic '%s': expected NAME:PARTITIONS, e.g. --topic orders:4\n",
                     t.c_str());
        return 2;
      }
      topics.emplace_back(t.substr(0, colon), parts);
    }
  std::unique_ptr<embedded_broker> broker;
  auto s = embedded_broker::start(vm["brokers"].as<int>(), broker);
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice broker: %s\n", s.to_string().c_str());
    return s.error_code() == status::code::invalid_argument ? 2 : 1;
  }
  for (const auto& [name, parts] : topics) {
    s = broker->create_topic(name, parts);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice broker: %s\n", s.to_string().c_str());
      return 1;
    }
  }
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "embedded Kafka broker (%d broker%s) at %s; Ctrl-C stops it and drops every topic\n"
               "it keeps only the last ~5 MiB of each partition: readers that fall further behind fail with a "
               "data-loss error (failOnDataLoss); give topics more partitions or use a real cluster for more\n",
               broker->brokers(), broker->brokers() == 1 ? "" : "s", broker->bootstrap().c_str());
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}

}  // namespace sluice::cli
