// query_operators: the operator part of the query vocabulary (apps/frontend/query_json.hpp):
// each `type` read from its fields into the pipeline API's options and applied to the input
// streams — join, temporal_join, aggregate, union, dedup, process (a registered keyed
// processor) and cdc. Every field is checked; a refusal names its path. Spark's refusals come
// from the operators.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "apps/processors/processor_catalog.hpp"

namespace sluice {

/// What every operator reads besides its own fields.
struct operator_input {
  std::map<std::string, stream>& streams;  // by input name
  const std::vector<std::string>& order;   // input names in the order they were added
  const std::string& path;                 // of the query object
  output_mode mode;
  const std::vector<std::string>& output_columns;
  const processor_catalog* processors;
  bool qualified_join_columns = false;  // a chain's join names its columns "left.c" (query_chain.hpp)
};

stream build_join(const boost::json::object& q, const operator_input& in, const std::string& left,
                  const std::string& right);
/// An event-time temporal join: `probe` joins the versions of `table` valid at its time.
stream build_temporal_join(const boost::json::object& q, const operator_input& in, const std::string& probe,
                           const std::string& table);
stream build_aggregate(const boost::json::object& q, const operator_input& in);
stream build_union(const boost::json::object& q, const operator_input& in);
stream build_process(const boost::json::object& q, const operator_input& in);
stream build_cdc(const boost::json::object& q, const operator_input& in);
stream build_dedup(const boost::json::object& q, const operator_input& in);

}  // namespace sluice
