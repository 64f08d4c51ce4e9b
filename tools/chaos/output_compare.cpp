#include "tools/chaos/output_compare.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "state/store/state_store.hpp"

namespace sluice::cli {
namespace fs = std::filesystem;

namespace {

std::string normalise(const std::string& line) {
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return line;
  auto& o = v.as_object();
  o.erase("trigger");
  o.erase("emitted_at");
  o.erase("ingest_time");
  if (o.contains("record") && o.contains("origin")) o.erase("reason");  // a dead letter
  // A processing time quoted inside a value (a dead letter's record or origin).
  static const std::regex quoted(R"(ingest_time(\\?"?[:=]\\?"?)[0-9TZ:.\-]+)");
  return std::regex_replace(boost::json::serialize(o), quoted, "ingest_time$1*");
}

std::string hex(std::string_view b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace

std::string read_outputs(const std::string& root, output_records& out) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return root + " is not a directory";
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
    const auto& p = it->path();
    auto rel = fs::relative(p.parent_path(), root).string();
    if (it->is_directory() && fs::exists(p / "CURRENT")) {
      // A LevelDB directory among the outputs: a CDC table's rows are records too (namespace
      // "cdc", as read_checkpoint_tables reads them); other namespaces are a plain run's own
      // state (the alert memory), which a checkpointed run keeps in its checkpoint instead.
      state_store::options o;
      o.create_if_missing = false;
      std::unique_ptr<state_store> store;
      auto s = state_store::open(p.string(), o, store);
      if (!s.is_ok()) return "table " + p.string() + ": " + s.to_string();
      std::map<std::string, int64_t> recs;
      s = store->scan_all([&](std::string_view ns, key_kind kind, std::string_view key, std::string_view value) {
        if (ns == "cdc" && kind == key_kind::committed)
          ++recs[std::string(ns) + "/" + static_cast<char>(kind) + " " + hex(key) + " → " + hex(value)];
        return true;
      });
      if (!s.is_ok()) return "table " + p.string() + ": " + s.to_string();
      if (!recs.empty()) out[fs::relative(p, root).string()] = std::move(recs);
      it.disable_recursion_pending();
      continue;
    }
    auto name = p.filename().string();
    if (!it->is_regular_file() || name.empty() || name[0] == '.' || p.extension() != ".jsonl") continue;
    std::ifstream in(p);
    std::string line;
    auto& recs = out[rel];
    while (std::getline(in, line))
      if (!line.empty()) ++recs[normalise(line)];
  }
  if (ec) return "reading " + root + ": " + ec.message();
  return "";
}

std::string read_checkpoint_tables(const std::string& checkpoint_root, output_records& out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(checkpoint_root, ec)) {
    if (!fs::exists(e.path() / "CURRENT")) continue;
    state_store::options o;
    o.create_if_missing = false;
    std::unique_ptr<state_store> store;
    auto s = state_store::open(e.path().string(), o, store);
    if (!s.is_ok()) return "checkpoint " + e.path().string() + ": " + s.to_string();
    std::map<std::string, int64_t> recs;
    s = store->scan("cdc", key_kind::committed, "", [&](std::string_view key, std::string_view value) {
      // As the table of a plain run reads (read_outputs); transactions still waiting for their
      // END ('t' rows) are the checkpoint's, not the table's.
      if (!key.empty() && key[0] != 't')
        ++recs["cdc/" + std::string(1, static_cast<char>(key_kind::committed)) + " " + hex(key) + " → " + hex(value)];
      return true;
    });
    if (!s.is_ok()) return "checkpoint " + e.path().string() + ": " + s.to_string();
    if (!recs.empty()) out["table"] = std::move(recs);
  }
  return "";
}

output_difference compare_outputs(const output_records& reference, const output_records& run) {
  output_difference d;
  static const std::map<std::string, int64_t> none;
  auto note = [&](const std::string& what, const std::string& dir, const std::string& rec) {
    if (d.examples.size() < 8) d.examples.push_back(what + " in " + dir + ": " + rec.substr(0, 300));
  };
  std::vector<std::string> dirs;
  for (const auto& [dir, recs] : reference) dirs.push_back(dir);
  for (const auto& [dir, recs] : run)
    if (!reference.count(dir)) dirs.push_back(dir);
  for (const auto& dir : dirs) {
    auto r = reference.find(dir);
    auto g = run.find(dir);
    const auto& want = r == reference.end() ? none : r->second;
    const auto& got = g == run.end() ? none : g->second;
    int64_t missing = 0, extra_new = 0;
    for (const auto& [rec, n] : want) {
      d.expected += n;
      auto it = got.find(rec);
      int64_t have = it == got.end() ? 0 : it->second;
      if (have < n) {
        missing += n - have;
        note("lost", dir, rec);
      } else if (have > n) {
        d.duplicated += have - n;
        note("duplicated", dir, rec);
      }
    }
    for (const auto& [rec, n] : got)
      if (!want.count(rec)) {
        extra_new += n;
        note("changed", dir, rec);
      }
    d.changed += extra_new;
    d.lost += missing > extra_new ? missing - extra_new : 0;
  }
  return d;
}

}  // namespace sluice::cli
