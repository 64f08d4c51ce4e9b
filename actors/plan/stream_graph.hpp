// stream_graph: what the pipeline builder (actors/plan/pipeline.hpp) derives from the query
// graph as it grows (actors/plan/query_plan.hpp) — Spark's rules for chained stateful
// operators (spark-semantics §9, WatermarkPropagator) — and the fusion of stateless steps when
// the plan is built.
//
// Streams are immutable: every step, union or operator is a new node reading the streams it
// names, so two handles of one stream never see each other's steps. `fuse_steps` then folds a
// stateless node that is the only reader of its one source into that source (its steps
// appended to the input's, run in the source actor, or to the node's, run in one transform
// actor), so a chain of steps costs one actor, as before graphs.
#pragma once

#include <optional>
#include <vector>

#include "actors/plan/query_plan.hpp"

namespace sluice {

/// Rules 1–3: the watermark stream `r` produces, as an offset from the global W (an input with
/// a watermark 0; a stateless node the least of its sources'; a stage node its input's plus
/// the stage's own hold-back); none when nothing it reads carries one.
std::optional<int64_t> produced_watermark(const query_plan& plan, const stream_ref& r);

/// The columns of stream `r` that carry the watermark: an input's watermark column, a stage's
/// output_event_time, what every source of a stateless node carries and it still has.
std::vector<event_time_column> event_time_of(const query_plan& plan, const stream_ref& r);

/// The stateful stage upstream of `from` that may emit rows older than the watermark, if any.
const stateful_stage* late_emitter(const query_plan& plan, const std::vector<stream_ref>& from);

/// Where `r` comes from through stateless one-source nodes: an input or a stage node.
stream_ref origin_of(const query_plan& plan, const stream_ref& r);

/// How many nodes and sinks read `r`.
int readers_of(const query_plan& plan, const stream_ref& r);

/// At build: folds every stateless one-source node that is its source's only reader into the
/// source, renumbering the nodes and every reference to them.
void fuse_steps(query_plan& plan);

}  // namespace sluice
