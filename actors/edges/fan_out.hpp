// fan_out: the actor between a stream of the query graph and the operators that read it
// (actors/plan/query_plan.hpp): a stream read by several readers (fan-out), or read on another
// port than its own (the tracker's input i on port i and a node's output on port 0 go
// straight), goes through one. Each extra reader gets a copy of the rows. Rows go to every reader, each copy
// tagged with the port it arrives on (batch::input: a join's side, a union's branch); the
// watermark tracker's fan-out routes each input's rows to that input's readers.
//
//   producer ──▶ fan_out ──(port p)──▶ reader 0 … reader n−1
//
// Watermarks, barriers and end-of-input go once to every reader, in order after the rows they
// follow; the operators' metrics a watermark carries go to reader 0 only, so that each
// operator is counted once where the graph joins again.
#pragma once

#include <string>
#include <vector>

#include "actors/api/operator_interface.hpp"

namespace sluice {

struct fan_out_target {
  size_t reader = 0;  // index into `readers`
  uint32_t port = 0;  // the batch's `input` on arrival
};

struct fan_out_config {
  std::string name = "fan-out";
  std::vector<operator_actor> readers;              // each once
  std::vector<std::vector<fan_out_target>> routes;  // by the arriving batch's `input` (past the end: the last)
};

operator_actor::behavior_type fan_out_impl(operator_actor::pointer self, fan_out_config cfg);

}  // namespace sluice
