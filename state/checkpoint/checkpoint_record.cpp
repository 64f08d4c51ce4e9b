#include "state/checkpoint/checkpoint_record.hpp"

#include <boost/json.hpp>

namespace sluice {
namespace json = boost::json;

namespace {

status parse_versioned(const std::string& text, const char* what, json::object& out, int oldest = 0,
                       int newest = checkpoint_format_version) {
  if (oldest == 0) oldest = newest;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return status::corruption(std::string("the ") + what + " record is not a JSON object: the checkpoint is corrupt");
  out = std::move(v.as_object());
  auto* version = out.if_contains("version");
  if (!version || !version->is_int64() || version->as_int64() < oldest || version->as_int64() > newest)
    return status::unsupported(
        std::string("the ") + what + " record has format version " +
        (version ? json::serialize(*version) : std::string("none")) + "; this sluice reads " +
        (oldest == newest ? std::to_string(newest) : std::to_string(oldest) + " to " + std::to_string(newest)));
  return status::ok();
}

template <class Fn>
status fields(const char* what, Fn fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return status::corruption(std::string("the ") + what + " record is incomplete (" + e.what() +
                              "): the checkpoint is corrupt");
  }
  return status::ok();
}

}  // namespace

std::string encode_identity(const checkpoint_identity& id) {
  json::object o;
  o["version"] = checkpoint_format_version;
  o["query"] = id.query;
  o["id"] = id.id;
  o["plan"] = id.plan;
  o["partitions"] = id.partitions;
  json::array in;
  for (const auto& i : id.inputs) in.emplace_back(i);
  o["inputs"] = std::move(in);
  o["created_us"] = id.created_us;
  return json::serialize(o);
}

status decode_identity(const std::string& text, checkpoint_identity& id) {
  json::object o;
  auto s = parse_versioned(text, "identity", o);
  if (!s.is_ok()) return s;
  return fields("identity", [&] {
    id.query = std::string(o.at("query").as_string());
    id.id = std::string(o.at("id").as_string());
    id.plan = std::string(o.at("plan").as_string());
    id.partitions = static_cast<int>(o.at("partitions").as_int64());
    id.inputs.clear();
    for (const auto& i : o.at("inputs").as_array()) id.inputs.emplace_back(i.as_string());
    id.created_us = o.at("created_us").as_int64();
  });
}

status check_identity(const checkpoint_identity& stored, const checkpoint_identity& now) {
  if (stored.query != now.query)
    return status::invalid_argument("it belongs to query '" + stored.query + "', not '" + now.query +
                                    "'; give this query its own checkpoint directory");
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (stored.inputs != now.inputs)
    return status::invalid_argument("field 'inputs': it was written for inputs [" + join(stored.inputs) +
                                    "] and the query now reads [" + join(now.inputs) +
                                    "]; restore the inputs or start from a new checkpoint directory");
  if (stored.partitions != now.partitions)
    return status::invalid_argument("field 'partitions': it was written with " + std::to_string(stored.partitions) +
                                    " partitions and the query now has " + std::to_string(now.partitions) +
                                    "; keep the partition count or start from a new checkpoint directory");
  if (stored.plan != now.plan)
    return status::invalid_argument("field 'plan': its state was written by\n  " + stored.plan +
                                    "\nand the query's stateful operator is now\n  " + now.plan +
                                    "\nrestore the old settings or start from a new checkpoint directory");
  return status::ok();
}

std::string encode_epoch(const epoch_record& e) {
  json::object o;
  o["version"] = epoch_format_version;
  o["epoch"] = e.epoch;
  o["trigger"] = e.trigger;
  o["watermark_us"] = e.watermark_us;
  json::array pos;
  for (const auto& p : e.positions) pos.emplace_back(p);
  o["positions"] = std::move(pos);
  json::array fr;
  for (const auto& f : e.frontiers) fr.emplace_back(f);
  o["frontiers"] = std::move(fr);
  o["triggers"] = e.triggers;
  o["input_rows"] = e.input_rows;
  o["output_rows"] = e.output_rows;
  o["dead_letters"] = e.dead_letters;
  o["committed_us"] = e.committed_us;
  return json::serialize(o);
}

status decode_epoch(const std::string& text, epoch_record& e) {
  json::object o;
  auto s = parse_versioned(text, "epoch", o, 1, epoch_format_version);
  if (!s.is_ok()) return s;
  return fields("epoch", [&] {
    e.epoch = o.at("epoch").as_int64();
    e.trigger = o.at("trigger").as_int64();
    e.watermark_us = o.at("watermark_us").as_int64();
    e.positions.clear();
    for (const auto& p : o.at("positions").as_array()) e.positions.emplace_back(p.as_string());
    e.frontiers.clear();
    if (o.at("version").as_int64() >= 2)
      for (const auto& f : o.at("frontiers").as_array()) e.frontiers.emplace_back(f.as_string());
    e.triggers = o.at("triggers").as_int64();
    e.input_rows = o.at("input_rows").as_int64();
    e.output_rows = o.at("output_rows").as_int64();
    e.dead_letters = o.at("dead_letters").as_int64();
    e.committed_us = o.at("committed_us").as_int64();
  });
}

std::string trigger_log_key(int64_t trigger) {
  std::string digits = std::to_string(trigger);
  return std::string(trigger_log_prefix) + std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits;
}

std::string encode_logged_trigger(const logged_trigger& t) {
  json::object o;
  o["version"] = checkpoint_format_version;
  o["trigger"] = t.trigger;
  json::array pos;
  for (const auto& p : t.positions) pos.emplace_back(p);
  o["positions"] = std::move(pos);
  return json::serialize(o);
}

status decode_logged_trigger(const std::string& text, logged_trigger& t) {
  json::object o;
  auto s = parse_versioned(text, "logged trigger", o);
  if (!s.is_ok()) return s;
  return fields("logged trigger", [&] {
    t.trigger = o.at("trigger").as_int64();
    t.positions.clear();
    for (const auto& p : o.at("positions").as_array()) t.positions.emplace_back(p.as_string());
  });
}

std::string encode_published(int64_t epoch) {
  json::object o;
  o["version"] = checkpoint_format_version;
  o["epoch"] = epoch;
  return json::serialize(o);
}

status decode_published(const std::string& text, int64_t& epoch) {
  json::object o;
  auto s = parse_versioned(text, "published", o);
  if (!s.is_ok()) return s;
  return fields("published", [&] { epoch = o.at("epoch").as_int64(); });
}

}  // namespace sluice
