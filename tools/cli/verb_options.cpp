#include "tools/cli/verb_options.hpp"

#include <cstdio>
#include <iostream>

namespace sluice::cli {
namespace po = boost::program_options;

std::optional<int> parse_verb_line(const verb_syntax& syntax, const po::options_description& shown,
                                   const std::vector<std::string>& args, po::variables_map& vm) {
  po::options_description all;
  all.add(shown);
  po::positional_options_description pos;
  if (!syntax.operand.empty()) {
    if (syntax.operands == 1)
      all.add_options()(syntax.operand.c_str(), po::value<std::string>(), "");
    else
      all.add_options()(syntax.operand.c_str(), po::value<std::vector<std::string>>(), "");
    pos.add(syntax.operand.c_str(), syntax.operands);
  }
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::string hint = syntax.hint ? " (see sluice " + syntax.verb + " --help)" : "";
    std::fprintf(stderr, "sluice %s: %s%s\n", syntax.verb.c_str(), e.what(), hint.c_str());
    return 2;
  }
  return std::nullopt;
}

void print_verb_usage(const verb_syntax& syntax, const po::options_description& shown) {
  std::cout << syntax.usage << "\n\n" << shown << "\n";
}

std::optional<int> parse_verb(const verb_syntax& syntax, const po::options_description& shown,
                              const std::vector<std::string>& args, po::variables_map& vm) {
  if (auto code = parse_verb_line(syntax, shown, args, vm)) return code;
  bool help = vm.count("help") > 0;
  if (!help && (syntax.operand.empty() || vm.count(syntax.operand))) return std::nullopt;
  print_verb_usage(syntax, shown);
  return help ? 0 : 2;
}

}  // namespace sluice::cli
