// kafka_input: how a prebuilt app gets its input — from Kafka topics (the default; on the
// embedded broker they are fed with generated records in the background) or straight from
// the generator (`--set input=generator`).
//
// Settings (kafka_input_settings()): input, kafka.brokers ("" = the embedded broker, or
// `--brokers`), kafka.partitions (topics the app creates on the embedded broker), kafka.group,
// kafka.feed (auto = feed only the embedded broker), kafka.starting_offsets.
// With a bounded feed (count > 0) the Kafka sources end once the feed delivered everything,
// so a default run finishes by itself; with count 0 it runs until Ctrl-C.
#pragma once

#include <string>
#include <vector>

#include "apps/launch/app_config.hpp"

namespace sluice {

struct app_input {
  std::string name;   // the input's name in the query
  std::string topic;  // its Kafka topic
  generator_spec spec;
  schema_ptr schema;
};

std::vector<app_setting> kafka_input_settings();

/// One source per input, all fed together (record n of each before record n+1 of any). An app
/// whose queries read the same topics passes each query's name: each gets its own consumer
/// group (`<group>-<query>`), and the topics are fed once.
std::vector<source_spec> app_inputs(const app_config& c, const std::vector<app_input>& inputs,
                                    const std::string& query = {});

}  // namespace sluice
