// deployment: the versions of an app kept side by side in one folder, and the alias naming the
// one that serves — what Kappa reprocessing swaps (docs/kappa.md; the layout and the manifest's
// format: docs/formats/deployment.md).
//
//   <root>/current -> vN       a relative symbolic link; point_current() writes a new link
//                              beside it and renames it over the old one (rename(2) is atomic:
//                              a reader finds the old version or the new one, never none)
//   <root>/vN/                 version N: the app's output folders, _checkpoint/ (its epochs)
//   <root>/vN/_version.json    its manifest: app, settings, where its input started, state
//
// Owner: the CLI's `run --deploy`, `reprocess` and `versions` verbs; several processes share a
// root (the serving version's and a reprocessing one's), so every write is a rename of a whole
// file. States: catching_up (reprocessing, not serving) → serving (current points to it) →
// retired (current moved on; its process stops). Manifests carry `"format": 1`; a manifest of
// another format, or a folder vN without one, is refused. No CAF.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/store/status.hpp"

namespace sluice {

struct version_manifest {
  std::string app;
  int64_t version = 0;
  std::map<std::string, std::string> settings;  // the app's --set values this version runs with
  std::string from;                             // where its input started: "earliest", "latest", offsets
  int64_t created_us = 0;                       // wall clock
  std::string state;                            // catching_up, serving, retired
  int64_t state_since_us = 0;
};

class deployment {
 public:
  explicit deployment(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string dir(int64_t version) const { return root_ + "/v" + std::to_string(version); }
  std::string checkpoint_dir(int64_t version) const { return dir(version) + "/_checkpoint"; }
  /// The serving alias as readers use it: <root>/current.
  std::string current_path() const { return root_ + "/current"; }

  /// Every version's manifest, by version number (none: an empty list).
  [[nodiscard]] status versions(std::vector<version_manifest>& out) const;
  /// The version `current` points to; 0 when there is no alias yet.
  [[nodiscard]] status current(int64_t& version) const;
  [[nodiscard]] status read(int64_t version, version_manifest& out) const;
  /// Writes m.version's manifest whole (a file beside it renamed over it); creates vN/.
  [[nodiscard]] status write(const version_manifest& m) const;
  /// Points `current` to `version` (whose manifest must exist) in one rename.
  [[nodiscard]] status point_current(int64_t version) const;

 private:
  std::string root_;
};

/// The manifest as its JSON document, and back (refusing another format or a bad field).
std::string encode_manifest(const version_manifest& m);
[[nodiscard]] status decode_manifest(const std::string& text, version_manifest& out);

}  // namespace sluice
