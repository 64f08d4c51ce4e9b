#include "apps/prebuilt/prebuilt_app.hpp"

namespace sluice {

app_definition prebuilt_app(std::string name, std::string summary, const output_help& help,
                            std::vector<app_setting> own, const std::vector<std::vector<app_setting>>& input,
                            app_input_kind kind) {
  app_definition app;
  app.settings.push_back({"output", "sluice-output/" + name, help.output});
  app.name = std::move(name);
  app.summary = std::move(summary);
  auto add = [&app](std::vector<app_setting> group) {
    for (auto& s : group) app.settings.push_back(std::move(s));
  };
  add(std::move(own));
  app.settings.push_back({"output.overwrite", "true",
                          help.overwrite + " on a fresh start (resuming a checkpoint keeps them); false: refuse to "
                                           "run over an earlier output"});
  for (const auto& group : input) add(group);
  if (kind == app_input_kind::kafka) add(kafka_input_settings());
  add(common_settings());
  return app;
}

app_setting watermark_setting(const std::string& default_delay, const std::string& what) {
  return {"watermark", default_delay, "how late " + what + " may arrive (watermark delay on ts)"};
}

void declare_outputs(app_definition& app, std::vector<shown_output> shown) {
  app.outputs = [shown = std::move(shown)](const app_config& c) {
    std::string out = c.directory("output"), line;
    for (const auto& s : shown) {
      std::string where = out + "/" + s.subdir + "/";
      if (s.alerts && c.str("alerts.to") != "file") where = c.str("alerts.to");
      line += (line.empty() ? "" : "  ") + s.label + ": " + where;
    }
    return line;
  };
}

pipeline app_pipeline(const app_config& c, const std::string& name, const std::string& dead_letters) {
  pipeline p(name);
  apply_common_settings(p, c);
  p.with_dead_letters(dead_letters);
  p.with_overwrite_outputs(c.flag("output.overwrite"));
  return p;
}

source_spec app_source(const app_config& c, const app_input& input, const std::string& query) {
  return std::move(app_inputs(c, {input}, query).front());
}

int app_partitions(const app_config& c) {
  return static_cast<int>(c.integer("partitions", 1, 64));
}

alert_rule window_alert(std::string name, std::function<bool(const record&)> when, std::string when_description,
                        std::string key, std::string severity, std::string message) {
  return {std::move(name), std::move(when), std::move(when_description), std::move(key),
          "window_start",  "window_end",    std::move(severity),         std::move(message)};
}

}  // namespace sluice
