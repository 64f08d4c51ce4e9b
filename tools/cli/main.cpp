// sluice — the command line. `sluice --help` lists the verbs; `sluice VERB --help` explains one.
#include <unistd.h>

#include <atomic>
#include <boost/program_options/errors.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "apps/prebuilt/app_registry.hpp"
#include "tools/cli/commands.hpp"

namespace {

std::atomic<bool> stop_requested{false};

void on_signal(int) {
  if (stop_requested.exchange(true)) _exit(130);  // a second Ctrl-C: leave at once
  const char msg[] = "\nstopping: finishing the triggers in flight (Ctrl-C again to quit at once)\n";
  [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
}

void usage(std::FILE* out) {
  std::fprintf(
      out,
      "sluice — stream processing with Spark's semantics, in one small binary\n\n"
      "usage: sluice VERB [options]\n\n"
      "verbs:\n"
      "  run APP|PIPELINE.json    run a prebuilt app or a JSON pipeline until its input ends or Ctrl-C\n"
      "  explain APP|PIPELINE.json  print the query plan(s) without running them\n"
      "  reprocess APP --from earliest  run a new version of a deployed app from the start of its topics; swap it in\n"
      "  versions APP             list a deployed app's versions and which one serves\n"
      "  serve APP                answer GET /views/NAME?key=… merging a Lambda app's batch and speed views\n"
      "  gen KIND                 generate records (deterministic from a seed) to a file, stdout or Kafka\n"
      "  broker                   start an embedded Kafka broker (in memory; development and tests)\n"
      "  replay CASE.json…        replay Spark-semantics cases (shared/spec/replay-format.md) through the engine\n"
      "  cdc replay SCENARIO.json  feed a Debezium scenario through the CDC applier into a table and check it\n"
      "  table dump|get DIR       print a CDC table (one JSON object) or one row\n"
      "  state DIR [--dump OP]    show a checkpoint: query, last epoch, offsets, state per operator\n"
      "  chaos APP --kills N      kill an app at random moments and at fault points; compare with a clean run\n"
      "  bench passthrough|join|window|kafka|cdc|checkpoint  the engine vs a baseline in the same run\n\n"
      "prebuilt apps:\n");
  for (const auto& a : sluice::registered_apps()) std::fprintf(out, "  %-24s %s\n", a.name.c_str(), a.summary.c_str());
  std::fprintf(out, "\n`sluice VERB --help` for a verb's options; `sluice run APP --help` for an app's settings.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string verb = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (verb == "--help" || verb == "-h" || verb == "help") {
    usage(stdout);
    return 0;
  }
  try {
    if (verb == "run") {
      std::signal(SIGINT, on_signal);  // a graceful stop: the triggers in flight finish
      std::signal(SIGTERM, on_signal);
      return sluice::cli::run_command(args, stop_requested);
    }
    if (verb == "reprocess") {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      return sluice::cli::reprocess_command(args, stop_requested);
    }
    if (verb == "versions") return sluice::cli::versions_command(args);
    if (verb == "serve") {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      return sluice::cli::serve_command(args, stop_requested);
    }
    if (verb == "broker") {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      return sluice::cli::broker_command(args, stop_requested);
    }
    if (verb == "explain") return sluice::cli::explain_command(args);
    if (verb == "bench") return sluice::cli::bench_command(args);
    if (verb == "gen") return sluice::cli::gen_command(args);
    if (verb == "replay") return sluice::cli::replay_command(args);
    if (verb == "cdc") return sluice::cli::cdc_command(args);
    if (verb == "table") return sluice::cli::table_command(args);
    if (verb == "state") return sluice::cli::state_command(args);
    if (verb == "chaos") {
      std::signal(SIGINT, on_signal);
      return sluice::cli::chaos_command(args, stop_requested);
    }
  } catch (const std::invalid_argument& e) {  // bad usage, flag or config: nothing ran
    std::fprintf(stderr, "sluice %s: %s\n", verb.c_str(), e.what());
    return 2;
  } catch (const boost::program_options::error& e) {
    std::fprintf(stderr, "sluice %s: %s\n", verb.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {  // the job failed while running
    std::fprintf(stderr, "sluice %s: %s\n", verb.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr,
               "sluice: unknown verb '%s'; accepted: run, explain, reprocess, versions, serve, gen, broker, replay, cdc, "
               "table, state, chaos, "
               "bench (see sluice --help)\n",
               verb.c_str());
  return 2;
}
