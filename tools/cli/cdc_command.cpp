// `sluice cdc replay SCENARIO.json… --table DIR [--dead-letters FILE]` feeds a CDC scenario
// (../shared/spec/cdc-format.md) through the real applier (state/cdc_applier) into a LevelDB
// table and checks expected_table, expected_dead_letters and expected_pending_transactions;
// `sluice table dump DIR` prints a table as one JSON object {pk: row} (sorted keys), `sluice
// table get DIR KEY` one row.
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "messages/codec/json_codec.hpp"
#include "state/cdc/cdc_applier.hpp"
#include "tools/cli/commands.hpp"

namespace sluice::cli {
namespace json = boost::json;
namespace {

// Objects with sorted members, so equal rows print equal.
json::value canonical(const json::value& v) {
  if (v.is_object()) {
    std::map<std::string, json::value> sorted;
    for (const auto& kv : v.get_object()) sorted[std::string(kv.key())] = canonical(kv.value());
    json::object o;
    for (auto& [k, x] : sorted) o[k] = std::move(x);
    return o;
  }
  if (v.is_array()) {
    json::array a;
    for (const auto& x : v.get_array()) a.push_back(canonical(x));
    return a;
  }
  return v;
}

std::string table_json(const std::map<std::string, json::object>& rows) {
  json::object o;
  for (const auto& [pk, row] : rows) o[pk] = canonical(row);
  return json::serialize(o);
}

int open_table(const std::string& dir, bool create, std::shared_ptr<state_store>& out) {
  state_store::options so;
  so.create_if_missing = create;
  std::error_code ec;
  if (create) std::filesystem::create_directories(dir, ec);
  std::unique_ptr<state_store> s;
  auto st = state_store::open(dir, so, s);
  if (!st.is_ok()) {
    std::fprintf(stderr, "sluice: cannot open the table at %s: %s\n", dir.c_str(), st.to_string().c_str());
    return 2;
  }
  out = std::move(s);
  return 0;
}

struct check {
  std::string what;
  bool passed;
  std::string detail;
};

int replay_one(const std::string& path, const std::string& table_dir, const std::string& dead_file,
               std::vector<check>& checks) {
  json::value v;
  auto err = read_json_file(path, v);
  if (!err.empty()) {
    checks.push_back({path, false, err});
    return 0;
  }
  if (!v.is_object() || !v.get_object().contains("events")) {
    checks.push_back({path, false, "not a CDC scenario (no \"events\")"});
    return 0;
  }
  const auto& sc = v.get_object();
  std::string name = sc.contains("name") ? std::string(sc.at("name").as_string()) : path;
  cdc_options opts;
  if (auto* t = sc.if_contains("data_topic"); t && t->is_string()) opts.data_topic = std::string(t->get_string());
  if (auto* t = sc.if_contains("transaction_topic"); t && t->is_string())
    opts.transaction_topic = std::string(t->get_string());
  if (auto* c = sc.if_contains("source_config"); c && c->is_object()) {
    const auto& co = c->get_object();
    if (auto* f = co.if_contains("value_format"); f && f->is_string()) opts.flattened = f->get_string() == "flattened";
    if (auto* m = co.if_contains("provide.transaction.metadata"); m && m->is_bool())
      opts.transaction_metadata = m->get_bool();
    if (auto* pk = co.if_contains("primary_key"); pk && pk->is_array())
      for (const auto& k : pk->get_array())
        if (k.is_string()) opts.primary_key.emplace_back(k.get_string());
  }
  // A replay shows the table a scenario ends with: it starts from an empty table. An earlier
  // table in DIR is replaced; a directory holding anything else is refused.
  std::error_code ec;
  if (std::filesystem::exists(table_dir) && !std::filesystem::is_empty(table_dir, ec)) {
    if (!std::filesystem::exists(std::filesystem::path(table_dir) / "CURRENT")) {
      std::fprintf(stderr, "sluice cdc replay: %s is not empty and not a table; give an empty or new directory\n",
                   table_dir.c_str());
      return 2;
    }
    std::filesystem::remove_all(table_dir, ec);
  }
  std::shared_ptr<state_store> store;
  if (int rc = open_table(table_dir, true, store)) return rc;
  cdc_applier applier(opts, store);
  auto s = applier.open();
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice cdc replay: %s: %s\n", table_dir.c_str(), s.to_string().c_str());
    return 1;
  }
  std::vector<cdc_dead_letter> dead;
  for (const auto& ev : sc.at("events").as_array()) {
    const auto& eo = ev.as_object();
    cdc_event e;
    e.topic = eo.contains("topic") ? std::string(eo.at("topic").as_string()) : opts.data_topic;
    e.partition = static_cast<int32_t>(eo.contains("partition") ? eo.at("partition").to_number<int64_t>() : 0);
    e.offset = eo.at("offset").to_number<int64_t>();
    if (auto* k = eo.if_contains("key")) e.key = *k;
    if (auto* val = eo.if_contains("value")) e.value = *val;
    if (auto* raw = eo.if_contains("value_raw"); raw && raw->is_string()) e.value_raw = std::string(raw->get_string());
    if (auto* h = eo.if_contains("headers"); h && h->is_object()) e.headers = h->get_object();
    s = applier.apply(e, dead);
    if (!s.is_ok()) {
      checks.push_back({name + " apply", false, "offset " + std::to_string(e.offset) + ": " + s.to_string()});
      return 0;
    }
  }
  applier.sync();
  if (!dead_file.empty()) {
    std::ofstream out(dead_file, std::ios::app);
    for (const auto& d : dead)
      out << json::serialize(json::object{
                 {"topic", d.topic}, {"partition", d.partition}, {"offset", d.offset}, {"reason", d.reason}})
          << "\n";
  }
  std::map<std::string, json::object> rows;
  s = applier.rows(rows);
  if (!s.is_ok()) {
    checks.push_back({name + " expected_table", false, s.to_string()});
    return 0;
  }
  std::string got = table_json(rows);
  if (auto* want = sc.if_contains("expected_table")) {
    std::string w = json::serialize(canonical(*want));
    checks.push_back({name + " expected_table", got == w,
                      got == w ? std::to_string(rows.size()) + " rows" : "expected " + w + "\n    got      " + got});
  }
  std::set<std::string> got_dead, want_dead;
  for (const auto& d : dead)
    got_dead.insert(d.topic + "/" + std::to_string(d.partition) + "@" + std::to_string(d.offset) + " (" + d.reason +
                    ")");
  std::set<std::string> got_dead_ids;
  for (const auto& d : dead)
    got_dead_ids.insert(d.topic + "/" + std::to_string(d.partition) + "@" + std::to_string(d.offset));
  if (auto* want = sc.if_contains("expected_dead_letters")) {
    for (const auto& d : want->as_array()) {
      const auto& o = d.as_object();
      want_dead.insert(std::string(o.at("topic").as_string()) + "/" +
                       std::to_string(o.at("partition").to_number<int64_t>()) + "@" +
                       std::to_string(o.at("offset").to_number<int64_t>()));
    }
    bool ok = want_dead == got_dead_ids;
    std::string detail;
    for (const auto& g : got_dead) detail += (detail.empty() ? "" : ", ") + g;
    if (!ok) {
      std::string w;
      for (const auto& x : want_dead) w += (w.empty() ? "" : ", ") + x;
      detail = "expected [" + w + "], got [" + detail + "]";
    }
    checks.push_back({name + " expected_dead_letters", ok, detail.empty() ? "none" : detail});
  }
  std::set<std::string> got_pending;
  for (const auto& p : applier.pending_transactions()) got_pending.insert(p);
  std::set<std::string> want_pending;
  if (auto* want = sc.if_contains("expected_pending_transactions"))
    for (const auto& p : want->as_array())
      want_pending.insert(p.is_string() ? std::string(p.get_string()) : json::serialize(p));
  bool ok = got_pending == want_pending;
  std::string detail;
  for (const auto& p : got_pending) detail += (detail.empty() ? "" : ", ") + p;
  checks.push_back(
      {name + " expected_pending_transactions", ok, ok ? (detail.empty() ? "none" : detail) : "got [" + detail + "]"});
  return 0;
}

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: sluice cdc replay SCENARIO.json… --table DIR [--dead-letters FILE]\n"
               "  feeds each scenario's events (in arrival order, with partitions and offsets) through the CDC\n"
               "  applier into the LevelDB table DIR (a directory per scenario when several are given), then checks\n"
               "  expected_table, expected_dead_letters and expected_pending_transactions; exit 1 on any failure\n");
  return code;
}

}  // namespace

int cdc_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") return usage(args.empty() ? 2 : 0);
  if (args[0] != "replay") {
    std::fprintf(stderr, "sluice cdc: unknown subcommand '%s'; accepted: replay\n", args[0].c_str());
    return 2;
  }
  std::vector<std::string> files;
  std::string table, dead;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--table" && i + 1 < args.size()) {
      table = args[++i];
    } else if (args[i] == "--dead-letters" && i + 1 < args.size()) {
      dead = args[++i];
    } else if (args[i] == "--help" || args[i] == "-h") {
      return usage(0);
    } else if (args[i].rfind("--", 0) == 0) {
      std::fprintf(stderr, "sluice cdc replay: unknown option '%s'; accepted: --table DIR, --dead-letters FILE\n",
                   args[i].c_str());
      return 2;
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty()) return usage(2);
  if (table.empty()) {
    std::fprintf(stderr, "sluice cdc replay: --table DIR is required (the LevelDB table the changes go into)\n");
    return 2;
  }
  std::vector<check> checks;
  for (const auto& f : files) {
    std::string dir = files.size() == 1 ? table : table + "/" + std::filesystem::path(f).stem().string();
    if (int rc = replay_one(f, dir, dead, checks)) return rc;
  }
  int passed = 0;
  for (const auto& c : checks) {
    std::printf("%s: %s %s\n", c.what.c_str(), c.passed ? "ok" : "FAILED", c.detail.c_str());
    passed += c.passed;
  }
  int failed = static_cast<int>(checks.size()) - passed;
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

int table_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || (args[0] != "dump" && args[0] != "get") ||
      (args[0] == "dump" && args.size() != 2) || (args[0] == "get" && args.size() != 3)) {
    std::fprintf(args.empty() || args[0] == "--help" || args[0] == "-h" ? stdout : stderr,
                 "usage: sluice table dump DIR        the table as one JSON object {pk: row}, sorted keys\n"
                 "       sluice table get DIR KEY     one row as JSON (exit 1 when the key is absent)\n");
    return !args.empty() && (args[0] == "--help" || args[0] == "-h") ? 0 : 2;
  }
  if (!std::filesystem::exists(args[1])) {
    std::fprintf(stderr, "sluice table: no table at %s\n", args[1].c_str());
    return 2;
  }
  std::shared_ptr<state_store> store;
  if (int rc = open_table(args[1], false, store)) return rc;
  cdc_applier table(cdc_options{}, store);
  if (args[0] == "dump") {
    std::map<std::string, json::object> rows;
    auto s = table.rows(rows);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice table dump: %s\n", s.to_string().c_str());
      return 1;
    }
    std::printf("%s\n", table_json(rows).c_str());
    return 0;
  }
  std::optional<json::object> row;
  auto s = table.get(args[2], row);
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice table get: %s\n", s.to_string().c_str());
    return 1;
  }
  if (!row) {
    std::fprintf(stderr, "sluice table get: no row with key '%s'\n", args[2].c_str());
    return 1;
  }
  std::printf("%s\n", json::serialize(canonical(*row)).c_str());
  return 0;
}

}  // namespace sluice::cli
