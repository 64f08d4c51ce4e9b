// Fuzz target: the pipeline file of `sluice run PIPELINE.json` (apps/frontend/pipeline_json.hpp).
// Any document either builds a query or is refused with a message — an exception the CLI
// prints — never a crash, a sanitizer report, a hang or a runaway allocation. Kafka blocks
// get a fixed address (nothing connects while a plan is built); lookup tables are refused
// before any file is read (a fuzzed path could name anything).
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "apps/frontend/pipeline_json.hpp"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::json::parse_options opts;
  opts.allow_comments = true;
  opts.allow_trailing_commas = true;
  boost::system::error_code ec;
  auto doc = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, opts);
  if (ec) return 0;
  pipeline_json_context ctx;
  ctx.brokers = [] { return std::string("127.0.0.1:9"); };
  ctx.open_table = [](dimension_options, std::shared_ptr<dimension_table>&) {
    return status::unsupported("lookup tables are not read while fuzzing");
  };
  try {
    auto plan = pipeline_from_json(doc, ctx);
    if (!plan) std::abort();
    (void)plan->explain();
  } catch (const std::exception& e) {
    if (std::string_view(e.what()).empty()) std::abort();  // a refusal says why
  }
  return 0;
}
