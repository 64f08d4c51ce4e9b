// output_folder: one run's claim on a folder it writes (a file sink, dead letters, a CDC table).
//
// Owner: the CLI, for the whole run (the lock is released when the claim is destroyed or the
// process dies). Plain state, no CAF. Format of the identity file: docs/formats/output-folder.md.
//
// A folder is owned by one app or pipeline (the `owner`, with its checkpoint root): the file
// `_sluice_output.json` in it says which, and an exclusive flock on that file says a run is
// writing it now. The rules, checked for every folder before any of them changes
// (inspect_output_folder), then applied (claim_output_folder):
//
//   absent, or empty                        → created, identity written, locked
//   locked by another process               → refused: another run writes it
//   no identity but files in it             → refused, untouched (not a sluice output folder)
//   identity of another owner or checkpoint → refused, untouched
//   same owner, resuming its checkpoint     → kept as it is (recovery publishes what is due)
//   same owner, fresh start, only identity  → used
//   same owner, fresh start, earlier output → overwrite: its contents are removed (only inside
//                                             the folder); otherwise refused, untouched (a
//                                             memory folder: kept)
//
// So a run never mixes its part files with an earlier run's under a fresh `_SUCCESS`, two runs
// never write one folder at once, and cleaning happens only inside a folder sluice made.
#pragma once

#include <memory>
#include <string>

#include "state/store/status.hpp"

namespace sluice {

struct output_owner {
  std::string name;        // the app or the pipeline
  std::string checkpoint;  // absolute checkpoint root; empty without --checkpoint
};

struct output_request {
  std::string dir;
  output_owner owner;
  bool resuming = false;   // the owner's checkpoint holds a committed epoch
  bool overwrite = false;  // a fresh start may remove the owner's earlier output
  bool memory = false;     // state kept from run to run (alert memory): a fresh start without
                           // overwrite keeps it instead of being refused
};

/// What a claim will do to the folder.
enum class output_action { create, keep, clear };

/// Checks `r` against the folder as it is; changes nothing. invalid_argument says why and the fix.
[[nodiscard]] status inspect_output_folder(const output_request& r, output_action& action);

/// A claimed folder: holds the lock until destroyed.
class output_claim {
 public:
  explicit output_claim(int fd) : fd_(fd) {}
  ~output_claim();
  output_claim(const output_claim&) = delete;
  output_claim& operator=(const output_claim&) = delete;

 private:
  int fd_;
};

/// Applies `action` (from inspect_output_folder) and takes the lock.
[[nodiscard]] status claim_output_folder(const output_request& r, output_action action,
                                         std::unique_ptr<output_claim>& claim);

/// The identity file's name (readers skip names starting with '_').
extern const char* const output_identity_file;

}  // namespace sluice
