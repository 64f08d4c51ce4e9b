// verb_options: how a `sluice` verb reads its command line with Boost.Program_options, the
// same way for every verb:
//
//   a malformed line (unknown flag, bad value, extra operand)
//       → stderr "sluice VERB: WHAT (see sluice VERB --help)", exit 2
//   --help                          → stdout: the usage text, a blank line, the options; exit 0
//   the operand missing (if named)  → the same text on stdout; exit 2
//
// A verb passes the options it shows in its help and, optionally, one positional operand.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sluice::cli {

struct verb_syntax {
  std::string verb{};     // "gen": messages say "sluice gen: …"
  std::string usage{};    // the help text printed before the options
  std::string operand{};  // the positional operand's option name ("" = none)
  int operands = 1;       // how many operands it takes (−1: any number)
  bool hint = true;       // a malformed line's message ends "(see sluice VERB --help)"
};

/// Parses `args` into `vm`: nullopt, or 2 after saying what is malformed.
std::optional<int> parse_verb_line(const verb_syntax& syntax, const boost::program_options::options_description& shown,
                                   const std::vector<std::string>& args, boost::program_options::variables_map& vm);

/// Prints the usage text, a blank line and the options on stdout.
void print_verb_usage(const verb_syntax& syntax, const boost::program_options::options_description& shown);

/// parse_verb_line, then --help (0) or a missing operand (2) print the usage: nullopt, or the
/// exit code when the verb ends here.
std::optional<int> parse_verb(const verb_syntax& syntax, const boost::program_options::options_description& shown,
                              const std::vector<std::string>& args, boost::program_options::variables_map& vm);

}  // namespace sluice::cli
