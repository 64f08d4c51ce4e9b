// Fuzz target: the Debezium change decoder (state/cdc/cdc_record.hpp) over any key and value:
// the input is the key's bytes, a newline, the value's bytes. Every record must decode or be a
// dead letter with a reason — no crash, no sanitizer report, no unbounded work (the fuzzer's
// -timeout and -rss_limit_mb catch those) — in both the envelope and the flattened format.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "state/cdc/cdc_record.hpp"

using namespace sluice;

namespace {

boost::json::value parse_or_null(std::string_view text, std::optional<std::string>* raw) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (!ec) return v;
  if (raw) *raw = std::string(text);
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  auto nl = all.find('\n');
  std::string_view key = nl == std::string_view::npos ? std::string_view{} : all.substr(0, nl);
  std::string_view value = nl == std::string_view::npos ? all : all.substr(nl + 1);

  cdc_event e;
  e.topic = "shop.public.customers";
  e.offset = 7;
  e.key = key.empty() ? boost::json::value(nullptr) : parse_or_null(key, nullptr);
  e.value = parse_or_null(value, &e.value_raw);
  for (bool flattened : {false, true}) {
    cdc_change c;
    auto reason = decode_cdc_change(e, flattened, c, {"id"});
    if (reason.empty() && c.kind == cdc_change::upsert) (void)cdc_primary_key(e.key);
  }
  return 0;
}
