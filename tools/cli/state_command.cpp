// `sluice state DIR [--dump OPERATOR]`: what a checkpoint holds — its query, last epoch,
// source offsets, and state rows and bytes per operator partition; `--dump` prints one
// operator's rows as JSON lines. DIR is a query's checkpoint or the `--checkpoint` root.
#include <cstdio>
#include <filesystem>
#include <map>

#include "actors/runtime/coordinator.hpp"
#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"
#include "state/checkpoint/checkpoint_record.hpp"
#include "state/store/state_store.hpp"
#include "tools/cli/commands.hpp"

namespace sluice::cli {
namespace fs = std::filesystem;

namespace {

bool is_store(const fs::path& p) {
  return fs::exists(p / "CURRENT");
}

/// Bytes as a JSON string when they are text, else as a hex string prefixed "0x".
std::string json_bytes(std::string_view b) {
  bool text = true;
  for (unsigned char c : b) text &= c >= 0x20 && c != 0x7f;
  std::string out;
  if (text) {
    append_json_string(out, b);
    return out;
  }
  static const char* hex = "0123456789abcdef";
  out = "\"0x";
  for (unsigned char c : b) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  out += "\"";
  return out;
}

std::string human_bytes(int64_t b) {
  char buf[32];
  if (b < 10 * 1024)
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
  else if (b < 10 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
  return buf;
}

int show(const fs::path& dir, const std::string& dump) {
  state_store::options o;
  o.create_if_missing = false;
  std::unique_ptr<state_store> store;
  auto s = state_store::open(dir.string(), o, store);
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice state: %s is not a readable checkpoint: %s\n", dir.c_str(), s.to_string().c_str());
    return 1;
  }
  std::string text;
  checkpoint_identity id;
  s = store->get_raw(identity_key, text);
  if (s.is_ok()) s = decode_identity(text, id);
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice state: %s: no readable identity record (%s); not a sluice checkpoint?\n", dir.c_str(),
                 s.to_string().c_str());
    return 1;
  }
  if (!dump.empty()) {
    int64_t rows = 0;
    s = store->scan_all([&](std::string_view ns, key_kind kind, std::string_view key, std::string_view value) {
      if (kind != key_kind::committed) return true;
      if (ns != dump && !(ns.size() > dump.size() && ns.compare(0, dump.size(), dump) == 0 && ns[dump.size()] == '/'))
        return true;
      std::string line = "{\"operator\":";
      append_json_string(line, ns);
      line += ",\"key\":" + json_bytes(key) + ",\"value\":" + json_bytes(value) + "}";
      std::printf("%s\n", line.c_str());
      ++rows;
      return true;
    });
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice state: reading %s: %s\n", dir.c_str(), s.to_string().c_str());
      return 1;
    }
    if (rows == 0) std::fprintf(stderr, "sluice state: no rows for operator '%s' in %s\n", dump.c_str(), dir.c_str());
    return 0;
  }
  std::printf("checkpoint %s\n  query:   %s (id %s), created %s\n", dir.c_str(), id.query.c_str(), id.id.c_str(),
              format_iso8601(id.created_us).c_str());
  if (!id.plan.empty()) std::printf("  state:   %s (%d partitions)\n", id.plan.c_str(), id.partitions);
  epoch_record e;
  s = store->get_raw(epoch_key, text);
  if (s.is_not_found()) {
    std::printf("  epochs:  none committed yet\n");
  } else {
    if (s.is_ok()) s = decode_epoch(text, e);
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice state: %s: epoch record: %s\n", dir.c_str(), s.to_string().c_str());
      return 1;
    }
    int64_t published = 0;
    if (store->get_raw(published_key, text).is_ok()) decode_published(text, published);
    std::printf("  epoch:   %lld after trigger %lld, committed %s; output published up to epoch %lld\n",
                static_cast<long long>(e.epoch), static_cast<long long>(e.trigger),
                format_iso8601_ms(e.committed_us).c_str(), static_cast<long long>(published));
    std::printf("  watermark: %s\n", format_iso8601_ms(e.watermark_us).c_str());
    for (size_t i = 0; i < e.positions.size(); ++i)
      std::printf("  offsets: %s = %s\n", i < id.inputs.size() ? id.inputs[i].c_str() : "?", e.positions[i].c_str());
    std::printf("  totals:  %lld triggers, %lld input rows, %lld output rows, %lld dead letters\n",
                static_cast<long long>(e.triggers), static_cast<long long>(e.input_rows),
                static_cast<long long>(e.output_rows), static_cast<long long>(e.dead_letters));
  }
  std::map<std::string, std::pair<int64_t, int64_t>> per_ns;
  s = store->scan_all([&](std::string_view ns, key_kind kind, std::string_view key, std::string_view value) {
    if (kind != key_kind::committed) return true;
    auto& [rows, bytes] = per_ns[std::string(ns)];
    ++rows;
    bytes += static_cast<int64_t>(key.size() + value.size());
    return true;
  });
  if (!s.is_ok()) {
    std::fprintf(stderr, "sluice state: reading %s: %s\n", dir.c_str(), s.to_string().c_str());
    return 1;
  }
  std::printf("  %-24s %12s %12s\n", "operator", "rows", "bytes");
  if (per_ns.empty()) std::printf("  (no state rows)\n");
  for (const auto& [ns, v] : per_ns)
    std::printf("  %-24s %12lld %12s\n", ns.c_str(), static_cast<long long>(v.first), human_bytes(v.second).c_str());
  return 0;
}

}  // namespace

int state_command(const std::vector<std::string>& args) {
  std::string dir, dump;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::printf(
          "usage: sluice state DIR [--dump OPERATOR]\n\n"
          "Shows a checkpoint (a query's, or every query's under a --checkpoint root): its query, last committed\n"
          "epoch, source offsets, and state rows and bytes per operator partition. --dump OPERATOR prints the\n"
          "rows of one operator (e.g. join, or join/0) as JSON lines: operator, key, value (text, or 0x-hex).\n");
      return 0;
    }
    if (args[i] == "--dump") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "sluice state: --dump needs an operator name (e.g. --dump join/0)\n");
        return 2;
      }
      dump = args[++i];
    } else if (dir.empty()) {
      dir = args[i];
    } else {
      std::fprintf(stderr, "sluice state: unexpected argument '%s' (see sluice state --help)\n", args[i].c_str());
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "sluice state: name a checkpoint directory (see sluice state --help)\n");
    return 2;
  }
  if (!fs::is_directory(dir)) {
    std::fprintf(stderr, "sluice state: %s is not a directory\n", dir.c_str());
    return 2;
  }
  if (is_store(dir)) return show(dir, dump);
  int rc = 0, found = 0;
  std::vector<fs::path> subs;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && is_store(e.path())) subs.push_back(e.path());
  std::sort(subs.begin(), subs.end());
  for (const auto& p : subs) {
    ++found;
    rc = std::max(rc, show(p, dump));
  }
  if (!found) {
    std::fprintf(stderr, "sluice state: %s holds no checkpoint (no LevelDB CURRENT file in it or its subdirectories)\n",
                 dir.c_str());
    return 1;
  }
  return rc;
}

}  // namespace sluice::cli
