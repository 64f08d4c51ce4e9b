// kafka_client: what every librdkafka handle of sluice shares — building a configuration from
// a bootstrap address plus user properties (Spark's `kafka.*` options), owning handles, and
// telling transient broker errors (retried with back-off by librdkafka) from fatal ones.
//
// Owner: the reader, sink, producer and embedded broker that create handles. No CAF.
// Defaults sluice sets (a property given by the user wins): reconnect back-off 100 ms rising
// to 10 s, `log_level` 3 (errors only — library code never prints; errors come back as values
// or warnings), and for consumers `enable.auto.commit=false` + `auto.offset.reset=error`,
// because positions are the engine's (docs/kafka.md).
#pragma once

#include <librdkafka/rdkafka.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "state/store/status.hpp"

namespace sluice {

using kafka_properties = std::map<std::string, std::string>;

struct kafka_handle_deleter {
  void operator()(rd_kafka_t* rk) const;
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_handle_deleter>;

/// A new configuration; a property librdkafka refuses is reported with its name and reason.
/// `defaults` are applied first, then `user` (so the user's settings win).
status make_kafka_conf(const std::string& brokers, const kafka_properties& defaults, const kafka_properties& user,
                       rd_kafka_conf_t** out);

/// True for errors librdkafka recovers from by itself (broker down, transport, timeouts):
/// report them as warnings and keep going.
bool is_transient_kafka_error(rd_kafka_resp_err_t err);

/// "broker unreachable" style one-line description of an error event.
std::string describe_kafka_error(rd_kafka_resp_err_t err, const char* reason);

/// Low and high watermark of a partition (blocking, up to `timeout_ms`).
status query_kafka_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition, int64_t& low, int64_t& high,
                              int timeout_ms = 10000);

/// The partition numbers of `topic` from the cluster's metadata (blocking).
status kafka_topic_partitions(rd_kafka_t* rk, const std::string& topic, std::vector<int32_t>& out,
                              int timeout_ms = 10000);

}  // namespace sluice
