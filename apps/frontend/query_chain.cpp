#include "apps/frontend/query_chain.hpp"

#include "apps/frontend/json_fields.hpp"
#include "apps/frontend/query_operators.hpp"

namespace sluice {
namespace {
namespace json = boost::json;
using namespace json_fields;

const json::array& stages_of(const json::object& q, const std::string& path) {
  auto* s = q.if_contains("stages");
  if (!s || !s->is_array() || s->get_array().empty())
    fail(child(path, "stages"), "a chain needs a list of stages, e.g. [{\"type\": \"join\", …}, {\"type\": …}]");
  return s->get_array();
}

/// A stage's source: an input by name, or an earlier stage by index ("" = not an input).
struct source_ref {
  std::string input;
  int stage = -1;
};

source_ref read_ref(const json::value& v, size_t i, const std::string& path) {
  if (v.is_string()) return source_ref{std::string(v.get_string()), -1};
  if (v.is_int64() || v.is_uint64()) {
    int64_t k = v.to_number<int64_t>();
    if (k < 0 || static_cast<size_t>(k) >= i)
      fail(path, "a stage reads inputs and earlier stages only; stage " + std::to_string(i) + " cannot read stage " +
                     std::to_string(k));
    return source_ref{"", static_cast<int>(k)};
  }
  fail(path, "expected an input name or an earlier stage's index, got " + json::serialize(v));
}

/// The refs a stage reads, by the format's defaults: stage 0 input `in` (a join: inputs
/// `left` and `right`; a union: every input), later stages the previous one.
std::vector<source_ref> stage_sources(const json::object& st, const std::string& type, size_t i,
                                      const std::vector<std::string>& input_names, const std::string& path) {
  const json::value* from = present(st, "from");
  std::string fp = child(path, "from");
  if (type == "join" || type == "temporal_join") {
    if (!from) {
      if (i > 0) fail(fp, "a join after stage 0 names its sides: {\"left\": …, \"right\": …}");
      return {source_ref{"left", -1}, source_ref{"right", -1}};
    }
    const auto& f = as_object(*from, fp);
    check_fields(f, fp, {"left", "right"});
    if (!f.contains("left") || !f.contains("right")) fail(fp, "a join reads {\"left\": …, \"right\": …}");
    return {read_ref(f.at("left"), i, child(fp, "left")), read_ref(f.at("right"), i, child(fp, "right"))};
  }
  if (type == "union" && from) {
    if (!from->is_array() || from->get_array().empty()) fail(fp, "a union reads a list of inputs or stages");
    std::vector<source_ref> refs;
    for (size_t k = 0; k < from->get_array().size(); ++k)
      refs.push_back(read_ref(from->get_array()[k], i, fp + "[" + std::to_string(k) + "]"));
    return refs;
  }
  if (from) return {read_ref(*from, i, fp)};
  if (i > 0) return {source_ref{"", static_cast<int>(i - 1)}};
  if (type == "union") {
    std::vector<source_ref> refs;
    for (const auto& n : input_names) refs.push_back(source_ref{n, -1});
    return refs;
  }
  return {source_ref{"in", -1}};
}

stream resolve(const source_ref& r, std::map<std::string, stream>& inputs, const std::vector<stream>& built,
               const std::string& path) {
  if (r.stage >= 0) return built[static_cast<size_t>(r.stage)];
  auto it = inputs.find(r.input);
  if (it == inputs.end()) fail(path, "reads input '" + r.input + "'; there is none");
  return it->second;
}

std::string stage_type(const json::object& st, const std::string& path) {
  std::string type = get_string(st, "type", path);
  static const std::set<std::string> types = {"join", "temporal_join", "aggregate", "dedup", "union", "process", "cdc"};
  if (!types.count(type))
    fail(child(path, "type"),
         "expected join, temporal_join, aggregate, dedup, union, process or cdc, got '" + type + "'");
  return type;
}

}  // namespace

std::vector<stream> build_chain(const json::object& q, const std::string& path, std::map<std::string, stream>& inputs,
                                output_mode mode, const processor_catalog* processors) {
  const auto& stages = stages_of(q, path);
  std::vector<std::string> input_names;
  for (const auto& kv : inputs) input_names.push_back(kv.first);
  std::vector<stream> built;
  for (size_t i = 0; i < stages.size(); ++i) {
    std::string sp = child(path, "stages") + "[" + std::to_string(i) + "]";
    const auto& st = as_object(stages[i], sp);
    std::string type = stage_type(st, sp);
    auto refs = stage_sources(st, type, i, input_names, sp);
    std::map<std::string, stream> streams;
    std::vector<std::string> order;
    for (size_t k = 0; k < refs.size(); ++k) {
      std::string port = type == "join" || type == "temporal_join" ? (k == 0 ? "left" : "right")
                         : refs.size() == 1                        ? "in"
                                                                   : "in" + std::to_string(k);
      streams.emplace(port, resolve(refs[k], inputs, built, child(sp, "from")));
      order.push_back(port);
    }
    std::vector<std::string> out_cols;
    if (auto* oc = present(st, "output_columns")) out_cols = get_strings(*oc, child(sp, "output_columns"));
    json::object stage = st;
    stage.erase("from");
    operator_input in{streams, order, sp, mode, out_cols, processors};
    in.qualified_join_columns = true;
    stream out = type == "join"            ? build_join(stage, in, "left", "right")
                 : type == "temporal_join" ? build_temporal_join(stage, in, "left", "right")
                 : type == "aggregate"     ? build_aggregate(stage, in)
                 : type == "dedup"         ? build_dedup(stage, in)
                 : type == "process"       ? build_process(stage, in)
                 : type == "cdc"           ? build_cdc(stage, in)
                                           : build_union(stage, in);
    if ((type == "dedup" || type == "process" || type == "cdc") && !out_cols.empty()) try {
        out = out.select(out_cols);
      } catch (const std::invalid_argument& e) {
        fail(child(sp, "output_columns"), e.what());
      }
    built.push_back(out);
  }
  return built;
}

void chain_time_columns(const json::object& q, std::map<std::string, std::set<std::string>>& out) {
  auto* s = q.if_contains("stages");
  if (!s || !s->is_array()) return;
  const auto& stages = s->get_array();
  for (size_t i = 0; i < stages.size(); ++i) {
    if (!stages[i].is_object()) continue;
    const auto& st = stages[i].get_object();
    auto* t = st.if_contains("type");
    std::string type = t && t->is_string() ? std::string(t->get_string()) : "";
    std::vector<source_ref> refs;
    try {
      refs = stage_sources(st, type, i, {}, "query");
    } catch (const std::invalid_argument&) {
      continue;  // reported when the stage is built
    }
    auto add = [&](size_t k, const json::value* c) {
      if (k < refs.size() && refs[k].stage < 0 && c && c->is_string())
        out[refs[k].input].insert(std::string(c->get_string()));
    };
    if (auto* g = present(st, "group_by"); g && g->is_array())
      for (const auto& key : g->get_array())
        if (key.is_object())
          for (const char* w : {"window", "session_window"})
            if (auto* wo = key.get_object().if_contains(w); wo && wo->is_object())
              add(0, wo->get_object().if_contains("column"));
    if (type == "join")
      join_time_columns(st, refs.size() > 0 && refs[0].stage < 0 ? refs[0].input : "",
                        refs.size() > 1 && refs[1].stage < 0 ? refs[1].input : "", out);
  }
}

namespace {

/// Column pairs a condition compares ([op, "left.a", "right.b"] at any depth).
void compared_pairs(const json::value& e, std::vector<std::pair<std::string, std::string>>& out) {
  if (!e.is_array()) return;
  const auto& a = e.get_array();
  if (a.size() == 3 && a[1].is_string() && a[2].is_string())
    out.emplace_back(std::string(a[1].get_string()), std::string(a[2].get_string()));
  for (const auto& x : a) compared_pairs(x, out);
}

}  // namespace

void join_time_columns(const json::object& st, const std::string& left, const std::string& right,
                       std::map<std::string, std::set<std::string>>& out) {
  const std::string side_input[2] = {left, right};
  auto add = [&](int side, const std::string& c) {
    if (!side_input[side].empty()) out[side_input[side]].insert(c);
  };
  auto is_time = [&](int side, const std::string& c) {
    return !side_input[side].empty() && out[side_input[side]].count(c) > 0;
  };
  if (auto* w = present(st, "window_key"); w && w->is_object())
    for (int side = 0; side < 2; ++side)
      if (auto* c = w->get_object().if_contains(side == 0 ? "left_column" : "right_column"); c && c->is_string())
        add(side, std::string(c->get_string()));
  // Column pairs compared with each other: equi-keys and the condition's comparisons.
  std::vector<std::pair<std::string, std::string>> pairs;
  if (auto* k = present(st, "equi_keys"); k && k->is_array())
    for (const auto& pair : k->get_array())
      if (pair.is_array() && pair.get_array().size() == 2 && pair.get_array()[0].is_string() &&
          pair.get_array()[1].is_string())
        pairs.emplace_back("left." + std::string(pair.get_array()[0].get_string()),
                           "right." + std::string(pair.get_array()[1].get_string()));
  if (auto* c = present(st, "condition")) compared_pairs(*c, pairs);
  auto split = [](const std::string& ref) -> std::pair<int, std::string> {
    if (ref.rfind("left.", 0) == 0) return {0, ref.substr(5)};
    if (ref.rfind("right.", 0) == 0) return {1, ref.substr(6)};
    return {-1, ""};
  };
  if (auto* rg = present(st, "time_range"); rg && rg->is_object())
    for (const char* k : {"column", "other"})
      if (auto* c = rg->get_object().if_contains(k); c && c->is_string())
        if (auto [side, col] = split(std::string(c->get_string())); side >= 0) add(side, col);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [a, b] : pairs) {
      auto [sa, ca] = split(a);
      auto [sb, cb] = split(b);
      if (sa < 0 || sb < 0 || is_time(sa, ca) == is_time(sb, cb)) continue;
      if (!is_time(sa, ca) && !side_input[sa].empty()) add(sa, ca), grew = true;
      if (!is_time(sb, cb) && !side_input[sb].empty()) add(sb, cb), grew = true;
    }
  }
}

}  // namespace sluice
