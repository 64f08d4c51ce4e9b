// commands: the `sluice` verbs. Each takes its own arguments (argv after the verb) and
// returns the process exit code: 0 success, 1 the job failed, 2 bad usage or config.
// Only the CLI prints and picks exit codes; everything below it returns errors as values.
#pragma once

#include <atomic>
#include <boost/program_options/variables_map.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::cli {

int run_command(const std::vector<std::string>& args, const std::atomic<bool>& stop);
int explain_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int gen_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int cdc_command(const std::vector<std::string>& args);
int table_command(const std::vector<std::string>& args);
int state_command(const std::vector<std::string>& args);
int chaos_command(const std::vector<std::string>& args, const std::atomic<bool>& stop);
int bench_kafka(uint64_t records, int runs);
/// `sluice run APP --deploy` (tools/cli/deploy_command.cpp): the line already parsed.
int run_deployed(const std::string& app, const boost::program_options::variables_map& vm,
                 const std::atomic<bool>& stop);
int reprocess_command(const std::vector<std::string>& args, const std::atomic<bool>& stop);
int versions_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args, const std::atomic<bool>& stop);
int broker_command(const std::vector<std::string>& args, const std::atomic<bool>& stop);

}  // namespace sluice::cli
