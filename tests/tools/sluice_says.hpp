// sluice_says: the check the tools' end-to-end tests make most — run the real `sluice` binary
// as a user would, and require its exit code and that its output (stdout and stderr together)
// says each of some texts. A failure names the command line and shows the whole output.
#pragma once

#include <boost/test/unit_test.hpp>
#include <initializer_list>
#include <string>

#include "test_support.hpp"

namespace sluice::test {

/// Runs `sluice ARGS` in `cwd`, checks its exit code is `code` and its output contains every
/// one of `says`; returns the output.
inline std::string sluice_says(const std::string& args, int code, std::initializer_list<std::string> says = {},
                               const std::string& cwd = ".") {
  std::string out;
  BOOST_TEST(run_sluice(args, out, cwd) == code, "sluice " << args << " should exit " << code << ":\n" << out);
  for (const auto& s : says)
    BOOST_TEST(out.find(s) != std::string::npos, "sluice " << args << " should say '" << s << "':\n" << out);
  return out;
}

}  // namespace sluice::test
