#include "messages/data/batch.hpp"

namespace sluice {

std::string encode_schema(const schema_ptr& s) {
  if (!s) return {};
  std::string out;
  for (size_t i = 0; i < s->size(); ++i) {
    if (i) out += ',';
    out += s->at(i).name;
    out += ':';
    out += to_string(s->at(i).type);
    if (s->event_time_index() && *s->event_time_index() == i) out += '@';
  }
  return out;
}

schema_ptr decode_schema(const std::string& text) {
  if (text.empty()) return nullptr;
  std::vector<column> cols;
  std::string event_time;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    size_t colon = item.rfind(':');
    column c;
    c.name = item.substr(0, colon);
    std::string type = item.substr(colon + 1);
    if (!type.empty() && type.back() == '@') {
      type.pop_back();
      event_time = c.name;
    }
    c.type = parse_column_type(type).value_or(column_type::string);
    cols.push_back(std::move(c));
    pos = comma + 1;
  }
  return std::make_shared<const schema>(std::move(cols), event_time);
}

}  // namespace sluice
