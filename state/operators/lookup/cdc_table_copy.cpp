#include "state/operators/lookup/cdc_table_copy.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "state/store/state_store.hpp"

namespace sluice {
namespace fs = std::filesystem;

namespace {

constexpr char row_format = 0x01;  // docs/formats/cdc-table.md

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_table_file(const std::string& name) {
  return ends_with(name, ".ldb") || ends_with(name, ".sst");
}

bool is_copied_file(const std::string& name) {
  return name == "CURRENT" || name.rfind("MANIFEST-", 0) == 0 || ends_with(name, ".log");
}

/// CURRENT's text and the size of the MANIFEST it names: what a flush or compaction changes.
status live_version(const std::string& dir, std::string& version) {
  std::ifstream in(dir + "/CURRENT", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string manifest = text.str();
  while (!manifest.empty() && (manifest.back() == '\n' || manifest.back() == '\r')) manifest.pop_back();
  if (!in || manifest.empty()) return status::io_error("cdc table " + dir + ": cannot read CURRENT");
  std::error_code ec;
  auto size = fs::file_size(dir + "/" + manifest, ec);
  if (ec) return status::not_found("cdc table " + dir + ": " + manifest + ": " + ec.message());
  version = manifest + ":" + std::to_string(size);
  return status::ok();
}

/// One copy of the table's files into `copy`; `changed` when a file went away meanwhile.
status copy_files(const std::string& dir, const fs::path& copy, bool& changed) {
  std::error_code ec;
  changed = false;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!is_table_file(name) && !is_copied_file(name)) continue;
    fs::path to = copy / name;
    std::error_code link_ec, copy_ec;
    if (is_table_file(name)) fs::create_hard_link(e.path(), to, link_ec);
    if (!is_table_file(name) || link_ec) fs::copy_file(e.path(), to, fs::copy_options::overwrite_existing, copy_ec);
    if (copy_ec) {
      if (!fs::exists(e.path())) {  // deleted by a compaction while we listed
        changed = true;
        return status::ok();
      }
      return status::io_error("cdc table " + dir + ": copying " + name + ": " + copy_ec.message());
    }
  }
  if (ec) return status::io_error("cdc table " + dir + ": " + ec.message());
  return status::ok();
}

status scan_rows(const fs::path& copy, const std::string& dir,
                 const std::function<void(std::string_view, std::string_view)>& fn) {
  state_store::options o;
  o.create_if_missing = false;
  o.block_cache_bytes = 1 << 20;
  std::unique_ptr<state_store> store;
  auto s = state_store::open(copy.string(), o, store);
  if (!s.is_ok()) return status::corruption("cdc table " + dir + ": " + s.message());
  status bad;
  s = store->scan("cdc", key_kind::committed, "r", [&](std::string_view key, std::string_view value) {
    if (value.empty() || value[0] != row_format) {
      bad = status::corruption("cdc table " + dir + ": row '" + std::string(key.substr(1)) + "' has format version " +
                               std::to_string(value.empty() ? -1 : int{value[0]}) + "; this sluice reads version 1");
      return false;
    }
    fn(key.substr(1), value.substr(1));
    return true;
  });
  return s.is_ok() ? bad : s;
}

}  // namespace

bool is_cdc_table(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::is_regular_file(fs::path(dir) / "CURRENT", ec);
}

status cdc_table_stamp(const std::string& dir, std::string& stamp) {
  std::error_code ec;
  std::vector<std::string> lines;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!is_table_file(name) && !is_copied_file(name)) continue;
    auto size = fs::file_size(e.path(), ec);
    if (ec) ec.clear();  // gone meanwhile: the next stamp differs anyway
    lines.push_back(name + ":" + std::to_string(size));
  }
  if (ec) return status::io_error("cdc table " + dir + ": " + ec.message());
  std::sort(lines.begin(), lines.end());
  stamp.clear();
  for (const auto& l : lines) stamp += l + "\n";
  return status::ok();
}

status read_cdc_table(const std::string& dir, const std::string& scratch,
                      const std::function<void(std::string_view, std::string_view)>& fn, int attempts) {
  static std::atomic<uint64_t> copies{0};
  if (!is_cdc_table(dir)) return status::not_found("cdc table " + dir + ": not a LevelDB directory (no CURRENT)");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    fs::path copy = fs::path(scratch) /
                    ("cdc-table-copy-" + std::to_string(::getpid()) + "-" + std::to_string(copies.fetch_add(1)));
    std::error_code ec;
    fs::remove_all(copy, ec);
    fs::create_directories(copy, ec);
    if (ec)
      return status::io_error("cdc table " + dir + ": cannot make the copy " + copy.string() + ": " + ec.message());
    std::string before, after;
    bool changed = false;
    auto s = live_version(dir, before);
    if (s.is_ok()) s = copy_files(dir, copy, changed);
    if (s.is_ok() && !changed) {
      s = live_version(dir, after);
      changed = s.is_ok() && after != before;
    }
    if (s.is_ok() && !changed) s = scan_rows(copy, dir, fn);
    fs::remove_all(copy, ec);
    if (!s.is_ok() || !changed) return s;
  }
  return status::io_error("cdc table " + dir + ": it was compacted while copied " + std::to_string(attempts) +
                          " times running");
}

}  // namespace sluice
