#include "apps/serving/merged_view.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "messages/data/time.hpp"
#include "state/io/files/record_reader.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

/// The data files of a folder in name order (none when it does not exist).
std::vector<std::string> part_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && is_jsonl_data_file(name)) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The newest batch view k with <k>/<view>/_SUCCESS (0: none).
int64_t newest_complete_batch(const std::string& output, const std::string& view) {
  auto all = batch_views(output);
  for (auto k = all.rbegin(); k != all.rend(); ++k)
    if (fs::exists(output + "/batch/" + std::to_string(*k) + "/" + view + "/_SUCCESS")) return *k;
  return 0;
}

struct view_row {
  std::string key;
  int64_t start_us = 0, end_us = 0;
  json::object measures;
};

/// Calls f for each row of the folder's part files; a line that is not a row of the view fails.
status for_each_row(const std::string& dir, const served_view& view, const std::function<void(view_row&&)>& f) {
  for (const auto& file : part_files(dir)) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return status::io_error("cannot read " + file);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      json::error_code ec;
      auto v = json::parse(line, ec);
      const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
      const json::value* key = o ? o->if_contains(view.key) : nullptr;
      const json::value* start = o ? o->if_contains("window_start") : nullptr;
      const json::value* end = o ? o->if_contains("window_end") : nullptr;
      auto s = start && start->is_string() ? parse_iso8601_us(std::string_view(start->get_string())) : std::nullopt;
      auto e = end && end->is_string() ? parse_iso8601_us(std::string_view(end->get_string())) : std::nullopt;
      if (!key || !s || !e) return status::corruption(file + ": not a row of view " + view.name + ": " + line);
      view_row r{key->is_string() ? std::string(key->get_string()) : json::serialize(*key), *s, *e, {}};
      for (const auto& m : view.measures)
        if (const auto* x = o->if_contains(m)) r.measures[m] = *x;
      f(std::move(r));
    }
  }
  return status::ok();
}

void add_measures(json::object& into, const json::object& more) {
  for (const auto& [k, v] : more) {
    auto* have = into.if_contains(k);
    if (!have || have->is_null()) {
      into[k] = v;
    } else if (v.is_null()) {
      continue;
    } else if (have->is_int64() && v.is_int64()) {
      *have = have->get_int64() + v.get_int64();
    } else {
      *have = have->to_number<double>() + v.to_number<double>();
    }
  }
}

}  // namespace

std::vector<int64_t> batch_views(const std::string& output) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(output + "/batch", ec)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && !name.empty() && name.size() <= 9 &&
        name.find_first_not_of("0123456789") == std::string::npos)
      out.push_back(std::stoll(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

status load_merged_view(const served_view& view, const std::string& output, merged_view& out) {
  out = merged_view{};
  out.batch = newest_complete_batch(output, view.name);
  std::vector<view_row> batch;
  if (out.batch > 0) {
    auto s = for_each_row(output + "/batch/" + std::to_string(out.batch) + "/" + view.name, view,
                          [&](view_row&& r) { batch.push_back(std::move(r)); });
    if (!s.is_ok()) return s;
  }
  for (const auto& r : batch) out.cutoff_us = std::max(out.cutoff_us, r.end_us);
  std::map<std::pair<std::string, int64_t>, json::object> speed;  // the latest row per (key, bucket)
  auto s = for_each_row(output + "/speed/" + view.name, view, [&](view_row&& r) {
    if (r.start_us >= out.cutoff_us) speed[{r.key, r.start_us}] = std::move(r.measures);
  });
  if (!s.is_ok()) return s;
  for (const auto& r : batch) add_measures(out.rows[r.key], r.measures);
  for (const auto& [at, measures] : speed) add_measures(out.rows[at.first], measures);
  for (auto& [key, measures] : out.rows)  // sums of doubles carry float noise: 1e-6 is below any measure's unit
    for (auto& [name, v] : measures)
      if (v.is_double()) v = std::round(v.get_double() * 1e6) / 1e6;
  out.batch_rows = static_cast<int64_t>(batch.size());
  out.speed_rows = static_cast<int64_t>(speed.size());
  return status::ok();
}

}  // namespace sluice
