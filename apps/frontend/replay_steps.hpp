// replay_steps: the steps of a replay case (../shared/spec/replay-format.md "Steps") run
// against one built query — each `add` one trigger through a query_driver (the real actors,
// an epoch checkpoint after every trigger), each check compared by the format's rules:
// `expect` the multiset of rows emitted since the mark (complete mode: the last emitted table);
// `expect_metrics` numRowsTotal of the last trigger and sums of the others since the previous
// check of that stage (a chain's stages are checked one by one); `expect_stage_watermarks` the
// late and eviction watermarks a stage used in the last trigger, `expect_output_watermark` rule
// 3 of spark-semantics §9 from the plan; `restart` stops and resumes the query through its
// checkpoint.
// Owner: run_replay_case (apps/frontend/replay_case.hpp). Times in a case are seconds.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_driver.hpp"
#include "apps/frontend/replay_case.hpp"

namespace sluice {

/// A case's query, built: its inputs' channels and column names, its sink.
struct replay_query {
  query_plan_ptr plan;
  std::map<std::string, std::shared_ptr<memory_reader::channel>> channels;
  std::map<std::string, std::vector<std::string>> columns;  // per input
  std::shared_ptr<memory_sink::store> sink = std::make_shared<memory_sink::store>();
  schema_ptr output_schema;
  bool complete = false;  // complete mode: `expect` compares the last emitted table
};

/// The case's query through the query front end (apps/frontend/query_json.hpp): memory
/// sources fed by `add` steps, the manual trigger, a memory sink. Throws (std::exception) with
/// the reason when the case's config or query cannot be built.
replay_query build_replay_query(const boost::json::object& c, const std::string& dead_dir);

class replay_steps {
 public:
  replay_steps(const replay_query& q, query_driver& driver, replay_result& res, bool observe)
      : q_(q), driver_(driver), res_(res), observe_(observe) {}
  /// Runs step i; false when the case cannot go on (the step's check says why).
  bool run(size_t i, const boost::json::object& step);

 private:
  bool add(size_t i, const boost::json::object& rows, boost::json::object& obs);
  void expect(size_t i, const boost::json::value& rows);
  void expect_metrics(size_t i, const boost::json::object& want);
  void expect_stage_watermarks(size_t i, const boost::json::object& want);
  void expect_output_watermark(size_t i, const boost::json::object& want);
  /// The step's "stage" (0 when left out, which only a one-stage query may do); −1 when bad.
  int stage_of(size_t i, const boost::json::object& step, const char* action);
  void expect_event_time(size_t i, const boost::json::object& want);
  void expect_watermark(size_t i, double want);
  std::vector<std::string> emitted_since(size_t from) const;
  std::vector<std::string> last_table() const;
  size_t sink_size() const;

  const replay_query& q_;
  query_driver& driver_;
  replay_result& res_;
  bool observe_;
  size_t mark_ = 0;
  struct stage_sums {
    int64_t total = 0, updated = 0, dropped = 0, removed = 0;  // total: the last trigger's
    int64_t late_us = -1, eviction_us = -1;                    // the last trigger's batch
  };
  std::map<int, stage_sums> stages_;
  std::optional<event_time_stats> last_event_time_;
  int64_t last_event_wm_ = 0;
};

}  // namespace sluice
