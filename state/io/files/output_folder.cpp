#include "state/io/files/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice {
namespace fs = std::filesystem;

const char* const output_identity_file = "_sluice_output.json";

namespace {

constexpr int64_t identity_version = 1;

struct identity {
  output_owner owner;
};

std::string identity_path(const std::string& dir) {
  return (fs::path(dir) / output_identity_file).string();
}

status read_identity(const std::string& dir, identity& id) {
  std::ifstream in(identity_path(dir));
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(text.str(), ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* format = o ? o->if_contains("format") : nullptr;
  if (!format || !format->is_string() || format->as_string() != "sluice-output")
    return status::corruption(identity_path(dir) + " is not a sluice output identity; delete the folder " + dir +
                              " yourself or choose another output");
  const auto* version = o->if_contains("version");
  if (!version || !version->is_int64() || version->as_int64() != identity_version)
    return status::unsupported(identity_path(dir) + " has a version this sluice does not read (it reads " +
                               std::to_string(identity_version) + "); choose another output");
  const auto* owner = o->if_contains("owner");
  const auto* checkpoint = o->if_contains("checkpoint");
  if (!owner || !owner->is_string() || !checkpoint || !checkpoint->is_string())
    return status::corruption(identity_path(dir) + " lacks its owner or checkpoint; choose another output");
  id.owner = {std::string(owner->as_string()), std::string(checkpoint->as_string())};
  return status::ok();
}

/// Whether another process holds the folder's lock now.
bool locked_elsewhere(const std::string& dir) {
  int fd = ::open(identity_path(dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool busy = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return busy;
}

/// Whether the folder holds anything besides its identity file.
bool holds_output(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename() != output_identity_file) return true;
  return false;
}

std::string describe(const output_owner& o) {
  return "'" + o.name + "' (" + (o.checkpoint.empty() ? "no checkpoint" : "checkpoint " + o.checkpoint) + ")";
}

status write_identity(int fd, const output_owner& owner, const std::string& dir) {
  boost::json::object o{{"format", "sluice-output"},
                        {"version", identity_version},
                        {"owner", owner.name},
                        {"checkpoint", owner.checkpoint}};
  std::string text = boost::json::serialize(o) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd) != 0)
    return status::io_error("writing " + identity_path(dir) + ": " + std::strerror(errno));
  return status::ok();
}

status clear_inside(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename() == output_identity_file) continue;
    fs::remove_all(e.path(), ec);
    if (ec) break;
  }
  if (ec) return status::io_error("clearing " + dir + ": " + ec.message());
  return status::ok();
}

}  // namespace

status inspect_output_folder(const output_request& r, output_action& action) {
  std::error_code ec;
  const std::string& dir = r.dir;
  if (!fs::exists(dir, ec)) {
    action = output_action::create;
    return status::ok();
  }
  if (!fs::is_directory(dir, ec)) return status::invalid_argument("output " + dir + " is not a folder; choose another");
  if (!fs::exists(identity_path(dir), ec)) {
    if (!fs::is_empty(dir, ec))
      return status::invalid_argument("output folder " + dir + " holds files sluice did not write (no " +
                                      output_identity_file + "); it is left untouched: choose another output");
    action = output_action::create;
    return status::ok();
  }
  if (locked_elsewhere(dir))
    return status::invalid_argument("output folder " + dir +
                                    " is being written by another running query; stop it or choose another output");
  identity id;
  if (auto s = read_identity(dir, id); !s.is_ok()) return status::invalid_argument(s.message());
  if (id.owner.name != r.owner.name || (r.resuming && id.owner.checkpoint != r.owner.checkpoint))
    return status::invalid_argument("output folder " + dir + " belongs to " + describe(id.owner) + ", not " +
                                    describe(r.owner) + "; it is left untouched: choose another output");
  if (r.resuming || !holds_output(dir) || (r.memory && !r.overwrite)) {
    action = output_action::keep;
    return status::ok();
  }
  if (!r.overwrite)
    return status::invalid_argument("output folder " + dir + " holds the output of an earlier run of '" + r.owner.name +
                                    "'; overwrite it (apps: --set output.overwrite=true; pipelines: \"overwrite\": "
                                    "true) or choose another output");
  action = output_action::clear;
  return status::ok();
}

output_claim::~output_claim() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

status claim_output_folder(const output_request& r, output_action action, std::unique_ptr<output_claim>& claim) {
  std::error_code ec;
  fs::create_directories(r.dir, ec);
  if (ec) return status::io_error("creating " + r.dir + ": " + ec.message());
  int fd = ::open(identity_path(r.dir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return status::io_error("opening " + identity_path(r.dir) + ": " + std::strerror(errno));
  auto held = std::make_unique<output_claim>(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    return status::invalid_argument("output folder " + r.dir +
                                    " is being written by another running query; stop it or choose another output");
  if (action == output_action::clear)
    if (auto s = clear_inside(r.dir); !s.is_ok()) return s;
  if (auto s = write_identity(fd, r.owner, r.dir); !s.is_ok()) return s;
  claim = std::move(held);
  return status::ok();
}

}  // namespace sluice
