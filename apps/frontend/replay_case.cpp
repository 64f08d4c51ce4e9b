#include "apps/frontend/replay_case.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <stdexcept>

#include "actors/plan/pipeline.hpp"
#include "actors/runtime/query_driver.hpp"
#include "apps/frontend/query_json.hpp"
#include "apps/frontend/replay_steps.hpp"
#include "state/io/files/work_dir.hpp"

namespace sluice {
namespace json = boost::json;
namespace fs = std::filesystem;

int replay_result::passed() const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(), [](const replay_check& c) { return c.passed; }));
}
int replay_result::failed() const {
  return static_cast<int>(checks.size()) - passed();
}

namespace {

// Column types from the rows of every add step: int64, double, string or bool; null when no
// step gives the column a value (it then compares with any type, as Spark's NullType).
column_type infer(const json::array& steps, const std::string& input, size_t col) {
  column_type t = column_type::int64;
  bool seen = false;
  for (const auto& st : steps) {
    auto* add = st.as_object().if_contains("add");
    if (!add) continue;
    auto* rows = add->as_object().if_contains(input);
    if (!rows) continue;
    for (const auto& r : rows->as_array()) {
      const auto& v = r.as_array().at(col);
      if (v.is_null()) continue;
      column_type k = v.is_string()   ? column_type::string
                      : v.is_bool()   ? column_type::boolean
                      : v.is_double() ? column_type::float64
                                      : column_type::int64;
      if (!seen || (t == column_type::int64 && k == column_type::float64)) t = k;
      seen = true;
    }
  }
  return seen ? t : column_type::null;
}

}  // namespace

replay_query build_replay_query(const json::object& c, const std::string& dead_dir) {
  replay_query q;
  const auto& cfg = c.at("config").as_object();
  const auto& steps = c.at("steps").as_array();
  pipeline p(c.at("name").as_string().c_str());
  p.with_trigger({trigger_kind::manual, 0}).with_max_records_per_trigger(0).with_trigger_credits(1);
  // Spark's own test cases: Spark's single watermark per input, judged per trigger.
  p.with_watermark_scope(watermark_scope::query);
  p.with_max_future_event_time(0);  // Spark has no such bound
  if (auto* nd = cfg.if_contains("no_data_batches")) p.with_no_data_batches(nd->as_bool());
  if (auto* pol = cfg.if_contains("multiple_watermark_policy"))
    p.with_watermark_policy(*parse_watermark_policy(std::string_view(pol->as_string())));
  query_json_hooks hooks;
  hooks.default_time_unit = time_unit::seconds;
  hooks.required_by_default = false;
  hooks.open_table = [](dimension_options, std::shared_ptr<dimension_table>&) {
    return status::unsupported("a replay case has no lookup tables (the replay format defines none)");
  };
  hooks.infer = [&](const std::string& input, size_t col) -> std::optional<column_type> {
    return infer(steps, input, col);
  };
  hooks.source = [&](const std::string& name, const json::object&, const std::string& path, schema_ptr columns) {
    if (!columns) throw std::invalid_argument(path + ".columns: an input of a replay case needs its columns");
    auto ch = std::make_shared<memory_reader::channel>();
    q.channels[name] = ch;
    for (size_t i = 0; i < columns->size(); ++i) q.columns[name].push_back(columns->at(i).name);
    return sources::memory(name, ch, columns);
  };
  auto built = build_query_json(p, c.at("query").as_object(), "query", hooks);
  q.complete = built.mode == output_mode::complete;
  q.output_schema = built.out.schema();
  p.with_dead_letters(dead_dir);
  built.out.to(sinks::memory(q.sink));
  q.plan = p.build();
  return q;
}

namespace {

/// The steps that expect the query to be refused, each passed or failed by `build_error`.
void check_refusal(const json::array& steps, const std::string& build_error, bool expects_error, replay_result& res) {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].as_object().contains("expect_error"))
      res.checks.push_back({i, "expect_error", !build_error.empty(),
                            build_error.empty() ? "the query was accepted, but the case expects it to be refused"
                                                : "refused: " + build_error});
  if (!expects_error) res.checks.push_back({0, "build", false, "the query was refused: " + build_error});
}

}  // namespace

replay_result run_replay_case(const json::value& cv, const replay_options& opts) {
  replay_result res;
  const auto& c = cv.as_object();
  res.name = c.contains("name") ? std::string(c.at("name").as_string()) : "case";
  const auto& steps = c.at("steps").as_array();
  bool expects_error = false;
  for (const auto& s : steps) expects_error |= s.as_object().contains("expect_error");

  std::string work = opts.work_dir;
  bool temp = work.empty();
  std::error_code ec;
  if (temp) {
    work = (fs::temp_directory_path() / ("sluice-replay-" + std::to_string(::getpid()) + "-" + res.name)).string();
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
  } else if (auto s = claim_work_dir(work); !s.is_ok()) {
    res.checks.push_back({0, "start", false, "--work-dir " + s.message()});
    return res;
  }
  struct cleanup {
    std::string dir;
    bool on;
    ~cleanup() {
      std::error_code e;
      if (on) fs::remove_all(dir, e);
    }
  } clean{work, temp};

  replay_query q;
  std::string build_error;
  try {
    q = build_replay_query(c, work + "/dead_letters");
  } catch (const std::exception& e) {
    build_error = e.what();
  }
  if (!build_error.empty() || expects_error) {
    check_refusal(steps, build_error, expects_error, res);
    return res;
  }
  std::unique_ptr<query_driver> driver;
  try {
    driver = std::make_unique<query_driver>(q.plan, work + "/checkpoint");
  } catch (const std::exception& e) {
    res.checks.push_back({0, "start", false, e.what()});
    return res;
  }
  replay_steps run(q, *driver, res, opts.observe);
  for (size_t i = 0; i < steps.size(); ++i)
    if (!run.run(i, steps[i].as_object())) break;
  return res;
}

}  // namespace sluice
