// `sluice replay CASE.json… [--observe]`: replays cases of ../shared/spec/replay-format.md.
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>

#include "apps/frontend/replay_case.hpp"
#include "messages/codec/json_codec.hpp"
#include "state/io/files/work_dir.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;

int replay_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "this help")("observe",
                                         "print, per step, what the engine emitted and reported (JSON lines)")(
      "work-dir", po::value<std::string>(), "keep checkpoints and dead letters here instead of a temporary directory");
  verb_syntax syntax{"replay",
                     "usage: sluice replay CASE.json… [--observe] [--work-dir DIR]\n\nReplays cases in the format of "
                     "shared/spec/replay-format.md through the real engine; the last line is `N passed, N failed`.",
                     "case", -1};
  po::variables_map vm;
  if (auto done = parse_verb(syntax, d, args, vm)) return *done;
  if (vm.count("work-dir")) {
    auto s = claim_work_dir(vm["work-dir"].as<std::string>());
    if (!s.is_ok()) {
      std::fprintf(stderr, "sluice replay: --work-dir %s\n", s.message().c_str());
      return 2;
    }
  }
  int passed = 0, failed = 0;
  for (const auto& path : vm["case"].as<std::vector<std::string>>()) {
    boost::json::value c;
    auto err = read_json_file(path, c);
    if (err.empty() && !(c.is_object() && c.as_object().contains("steps") && c.as_object().contains("query")))
      err = "not a replay case (it needs \"query\" and \"steps\")";
    if (!err.empty()) {
      std::printf("%s: %s\n", path.c_str(), err.c_str());
      ++failed;
      continue;
    }
    replay_options o;
    o.observe = vm.count("observe") > 0;
    if (vm.count("work-dir")) o.work_dir = vm["work-dir"].as<std::string>();
    replay_result r;
    try {
      r = run_replay_case(c, o);
    } catch (const std::exception& e) {
      std::printf("%s: the case is malformed: %s\n", path.c_str(), e.what());
      ++failed;
      continue;
    }
    for (const auto& line : r.observations) std::printf("%s\n", line.c_str());
    for (const auto& ch : r.checks)
      std::printf("%s step %zu %s: %s%s\n", r.name.c_str(), ch.step, ch.action.c_str(), ch.passed ? "ok " : "FAILED ",
                  ch.detail.c_str());
    passed += r.passed();
    failed += r.failed();
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace sluice::cli
