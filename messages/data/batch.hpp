// batch: the unit that travels between actors — rows of one schema, from one input, for one
// trigger, with the source offsets it covers.
//
// Contract (DESIGN.md "Data"): a batch is moved between actors, never copied; a stage takes
// it by non-const reference, mutates it in place and moves it on (CAF then hands it over
// without a copy, platform-notes §2). Every source emits one batch per trigger and input,
// possibly empty — under watermark_scope::partition one per run of rows sharing a watermark
// floor — followed by its watermark (messages/control/control.hpp).
//
// `watermark_floor_us` (watermark_scope::partition): the watermark of the partition the rows
// came from, as it stood before them (state/operators/watermark/partition_watermarks.hpp); a
// stateful operator judges them late against it instead of the previous trigger's global
// watermark, which is never above it. Operators and routers pass it on with the rows;
// `no_floor` elsewhere.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "messages/data/row.hpp"
#include "messages/data/schema.hpp"

namespace sluice {

/// Offsets one batch covers in one source: [start, end), in the source's own offset form
/// (record index for generators and memory sources, `file:byte` for files).
struct source_range {
  std::string source;
  std::string start;
  std::string end;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_range& x) {
  return f(x.source, x.start, x.end);
}

constexpr int64_t no_floor = std::numeric_limits<int64_t>::min();

struct batch {
  schema_ptr schema;
  std::vector<row> rows;
  uint32_t input = 0;   // which input of a multi-input operator (0 = left, 1 = right, …)
  int64_t trigger = 0;  // the trigger this batch belongs to
  std::vector<source_range> ranges;
  int64_t watermark_floor_us = no_floor;
};

/// `name:type[,name:type…]`, `@` after the event-time column's type; the inverse of `decode_schema`.
std::string encode_schema(const schema_ptr& s);
schema_ptr decode_schema(const std::string& text);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch& x) {
  if constexpr (Inspector::reads_state) {
    std::string s = encode_schema(x.schema);
    return f(s, x.rows, x.input, x.trigger, x.ranges, x.watermark_floor_us);
  } else {
    std::string s;
    auto result = f(s, x.rows, x.input, x.trigger, x.ranges, x.watermark_floor_us);
    x.schema = decode_schema(s);
    return result;
  }
}

}  // namespace sluice
