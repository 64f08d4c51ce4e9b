// work_dir: a scratch directory that a tool (`sluice replay --work-dir`, `sluice chaos --work`)
// clears before it runs — but only one that sluice made: it holds the marker file
// `.sluice-work`. A user's directory given by mistake is refused untouched.
//
//   absent            → created, marked
//   empty             → marked
//   holds the marker  → emptied (the marker stays)
//   anything else     → refused (invalid_argument), nothing deleted
#pragma once

#include <string>

#include "state/store/status.hpp"

namespace sluice {

[[nodiscard]] status claim_work_dir(const std::string& dir);

}  // namespace sluice
