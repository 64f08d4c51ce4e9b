// Fuzz target: the JSON row decoder (messages/codec/json_codec.hpp), the first code a record
// from a file or Kafka meets. Properties beyond "no crash, no sanitizer report":
//   - a row the decoder accepts, printed by encode_row and decoded again, is the same row,
//     doubles to the bit (messages/codec/exact_json);
//   - append_json_string of any bytes is a JSON string that parses back (valid UTF-8).
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "messages/codec/json_codec.hpp"

using namespace sluice;

namespace {

schema_ptr fuzz_schema() {
  std::vector<column> cols = {
      {"user", column_type::string, true, time_unit::millis, time_role::time, 0},
      {"amount", column_type::float64, false, time_unit::millis, time_role::time, 0},
      {"n", column_type::int64, false, time_unit::millis, time_role::time, 0},
      {"ok", column_type::boolean, false, time_unit::millis, time_role::time, 0},
      {"ts", column_type::timestamp, true, time_unit::millis, time_role::time, 0},
      {"at_s", column_type::timestamp, false, time_unit::seconds, time_role::time, 0},
      {"doc", column_type::json, false, time_unit::millis, time_role::time, 0},
  };
  return std::make_shared<schema>(std::move(cols), "ts");
}

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static row_decoder decoder(fuzz_schema());
  std::string_view text(reinterpret_cast<const char*>(data), size);

  row r;
  if (decoder.decode(text, r).empty()) {
    std::string printed = encode_row(*decoder.schema_of(), r);
    row again;
    require(decoder.decode(printed, again).empty());
    require(again.values == r.values);
    require(again.event_time_us == r.event_time_us);
  }

  std::string quoted;
  append_json_string(quoted, text);
  boost::system::error_code ec;
  auto v = boost::json::parse(quoted, ec);
  require(!ec && v.is_string());
  return 0;
}
