#include "state/deploy/deployment.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "messages/data/time.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr int64_t manifest_format = 1;

/// N of a folder named vN (N ≥ 1); 0 for any other name.
int64_t version_of(const std::string& name) {
  if (name.size() < 2 || name[0] != 'v' || name[1] == '0') return 0;
  int64_t n = 0;
  for (size_t i = 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > 1'000'000'000) return 0;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

/// Writes `text` to `path` whole: a file beside it, renamed over it.
status write_whole(const std::string& path, const std::string& text) {
  std::string temp = path + ".writing";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return status::io_error("cannot write " + temp);
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return status::io_error("cannot rename " + temp + " to " + path + ": " + ec.message());
  return status::ok();
}

}  // namespace

std::string encode_manifest(const version_manifest& m) {
  json::object o;
  o["format"] = manifest_format;
  o["app"] = m.app;
  o["version"] = m.version;
  json::object settings;
  for (const auto& [k, v] : m.settings) settings[k] = v;
  o["settings"] = std::move(settings);
  o["from"] = m.from;
  o["created"] = format_iso8601_ms(m.created_us);
  o["state"] = m.state;
  o["state_since"] = format_iso8601_ms(m.state_since_us);
  return json::serialize(o) + "\n";
}

status decode_manifest(const std::string& text, version_manifest& out) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return status::corruption("a version manifest is a JSON object");
  const auto& o = v.get_object();
  const auto* format = o.if_contains("format");
  if (!format || !format->is_int64() || format->as_int64() != manifest_format)
    return status::unsupported("version manifest format " + (format ? json::serialize(*format) : "missing") +
                               " (this sluice reads format 1)");
  auto str = [&](const char* key, std::string& into) {
    const auto* f = o.if_contains(key);
    if (!f || !f->is_string()) return false;
    into = std::string(f->get_string());
    return true;
  };
  std::string created, since;
  const auto* version = o.if_contains("version");
  const auto* settings = o.if_contains("settings");
  if (!str("app", out.app) || !str("from", out.from) || !str("state", out.state) || !str("created", created) ||
      !str("state_since", since) || !version || !version->is_int64() || !settings || !settings->is_object())
    return status::corruption("a version manifest needs app, version, settings, from, created, state, state_since");
  if (out.state != "catching_up" && out.state != "serving" && out.state != "retired")
    return status::corruption("version manifest state '" + out.state + "': expected catching_up, serving or retired");
  out.version = version->as_int64();
  auto c = parse_iso8601_us(created), s = parse_iso8601_us(since);
  if (!c || !s) return status::corruption("version manifest times are ISO-8601");
  out.created_us = *c;
  out.state_since_us = *s;
  out.settings.clear();
  for (const auto& [k, val] : settings->get_object()) {
    if (!val.is_string()) return status::corruption("version manifest setting '" + std::string(k) + "' is not text");
    out.settings[std::string(k)] = std::string(val.get_string());
  }
  return status::ok();
}

status deployment::versions(std::vector<version_manifest>& out) const {
  out.clear();
  std::error_code ec;
  if (!fs::exists(root_, ec)) return status::ok();
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    int64_t n = version_of(e.path().filename().string());
    if (n == 0 || !e.is_directory() || e.is_symlink()) continue;
    version_manifest m;
    if (auto s = read(n, m); !s.is_ok()) return s;
    out.push_back(std::move(m));
  }
  if (ec) return status::io_error("cannot list " + root_ + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return status::ok();
}

status deployment::current(int64_t& version) const {
  version = 0;
  std::error_code ec;
  auto target = fs::read_symlink(current_path(), ec);
  if (ec)
    return fs::is_symlink(fs::symlink_status(current_path())) || fs::exists(current_path())
               ? status::corruption(current_path() + " is not a link to a version")
               : status::ok();
  version = version_of(target.filename().string());
  if (version == 0) return status::corruption(current_path() + " points to " + target.string() + ", not a version");
  return status::ok();
}

status deployment::read(int64_t version, version_manifest& out) const {
  std::string path = dir(version) + "/_version.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return status::corruption(dir(version) + " has no _version.json: not a version sluice wrote");
  std::stringstream text;
  text << in.rdbuf();
  if (auto s = decode_manifest(text.str(), out); !s.is_ok())
    return s.error_code() == status::code::unsupported ? status::unsupported(path + ": " + s.message())
                                                       : status::corruption(path + ": " + s.message());
  if (out.version != version) return status::corruption(path + " names version " + std::to_string(out.version));
  return status::ok();
}

status deployment::write(const version_manifest& m) const {
  std::error_code ec;
  fs::create_directories(dir(m.version), ec);
  if (ec) return status::io_error("cannot create " + dir(m.version) + ": " + ec.message());
  return write_whole(dir(m.version) + "/_version.json", encode_manifest(m));
}

status deployment::point_current(int64_t version) const {
  version_manifest m;
  if (auto s = read(version, m); !s.is_ok()) return s;
  std::string temp = current_path() + ".new";
  std::error_code ec;
  fs::remove(temp, ec);
  fs::create_directory_symlink("v" + std::to_string(version), temp, ec);
  if (!ec) fs::rename(temp, current_path(), ec);
  if (ec)
    return status::io_error("cannot point " + current_path() + " to v" + std::to_string(version) + ": " + ec.message());
  return status::ok();
}

}  // namespace sluice
