#include "state/io/files/work_dir.hpp"

#include <filesystem>
#include <fstream>

namespace sluice {
namespace fs = std::filesystem;

namespace {
constexpr const char* marker = ".sluice-work";
}

status claim_work_dir(const std::string& dir) {
  std::error_code ec;
  fs::path root(dir);
  bool exists = fs::exists(root, ec);
  if (exists && !fs::is_directory(root, ec))
    return status::invalid_argument(dir + " is not a directory; give a new or empty directory");
  if (exists && !fs::is_empty(root, ec) && !fs::exists(root / marker, ec))
    return status::invalid_argument(dir +
                                    " is not empty and was not made by sluice (no .sluice-work in it); it is left "
                                    "untouched: give a new or empty directory");
  if (exists) {
    for (const auto& e : fs::directory_iterator(root, ec))
      if (e.path().filename() != marker) fs::remove_all(e.path(), ec);
    if (ec) return status::io_error("clearing " + dir + ": " + ec.message());
  } else {
    fs::create_directories(root, ec);
    if (ec) return status::io_error("creating " + dir + ": " + ec.message());
  }
  std::ofstream(root / marker) << "a scratch directory of sluice: its contents are deleted on the next run\n";
  return status::ok();
}

}  // namespace sluice
