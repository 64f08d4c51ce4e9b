// Fuzz target: a replay case's query as `sluice replay` reads it (../shared/spec/replay-format.md;
// apps/frontend/replay_steps.hpp build_replay_query): the config, the inputs' columns typed
// from the rows, the query. Any case either builds or is refused with a message; running its
// steps needs the engine and is left to the replay tests.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "apps/frontend/replay_steps.hpp"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !doc.is_object()) return 0;
  try {
    auto q = build_replay_query(doc.as_object(), "/nonexistent/dead_letters");
    if (!q.plan) std::abort();
  } catch (const std::exception& e) {
    if (std::string_view(e.what()).empty()) std::abort();
  }
  return 0;
}
