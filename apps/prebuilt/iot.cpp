#include "apps/prebuilt/iot.hpp"

#include "apps/launch/kafka_input.hpp"

namespace sluice {

namespace {
schema_ptr readings_schema() {
  return std::make_shared<const schema>(
      std::vector<column>{{"device_id", column_type::string, true, time_unit::millis},
                          {"temperature", column_type::float64, true, time_unit::millis},
                          {"humidity", column_type::float64, true, time_unit::millis},
                          {"ts", column_type::timestamp, true, time_unit::millis}},
      "ts");
}
}  // namespace

app_definition iot_app() {
  app_definition app;
  app.name = "iot";
  app.summary =
      "IoT telemetry: per-device 5-minute windows (avg/max temperature, avg humidity, count), "
      "HIGH_TEMP / HIGH_HUMIDITY alerts, late readings of offline devices counted";
  app.settings = {
      {"output", "sluice-output/iot", "directory for windows/, alerts/ and late_readings/"},
      {"window", "5m", "window length"},
      {"watermark", "2m", "how late a reading may arrive (watermark delay on ts)"},
      {"temp_threshold", "80", "HIGH_TEMP when a window's max temperature is above this"},
      {"humidity_threshold", "90", "HIGH_HUMIDITY when a window's average humidity is above this"},
      {"alerts.max_per_device", "0", "at most this many alerts per device per minute (0 = no limit)"},
      {"partitions", "2", "aggregation partitions (actors); state is split by hash(device_id)"},
      {"output.overwrite", "true", "clear windows/, alerts/, late_readings/ and the alert memory before running"},
  };
  for (auto& s : generator_settings("readings", "readings", "20000", "50", "100ms")) app.settings.push_back(s);
  app.settings.push_back({"readings.offline", "0.01",
                          "share of readings from devices that were offline: they arrive 10 min of event time late"});
  app.settings.push_back(alert_output_setting());
  for (auto& s : kafka_input_settings()) app.settings.push_back(s);
  for (auto& s : common_settings()) app.settings.push_back(s);
  for (auto& s : app.settings)
    if (s.key == "max_records_per_trigger") s.default_value = "2000";
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "windows: " + out +
           "/windows/  alerts: " + (c.str("alerts.to") == "file" ? out + "/alerts/" : c.str("alerts.to")) +
           "  late readings: " + out + "/late_readings/";
  };
  app.prepare = [](const app_config& c) {
    return clear_outputs(c, {"windows", "alerts", "late_readings", "alert_memory"});
  };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    auto spec = generator_from(c, "readings", "iot");
    spec.late_fraction = c.number("readings.offline", 0, 1);
    auto delay = std::chrono::microseconds(c.duration_us("watermark"));
    auto window = std::chrono::microseconds(c.duration_us("window"));
    double hot = c.number("temp_threshold", -1e9, 1e9), humid = c.number("humidity_threshold", -1e9, 1e9);

    pipeline p("iot");
    apply_common_settings(p, c);
    p.with_dead_letters(out + "/late_readings");
    auto in = app_inputs(c, {{"readings", "iot-readings", spec, readings_schema()}});
    auto windows = p.source(std::move(in[0]))
                       .with_watermark("ts", delay)
                       .group_by({keys::col("device_id"), keys::window("ts", window)})
                       .with_partitions(static_cast<int>(c.integer("partitions", 1, 64)))
                       .with_late_rows_to_dead_letters()
                       .agg({aggs::avg("temperature").as("avg_temp"), aggs::max("temperature").as("max_temp"),
                             aggs::avg("humidity").as("avg_humidity"), aggs::count().as("readings")});
    alert_rule high_temp{"HIGH_TEMP",
                         [hot](const record& r) { return r.num("max_temp") > hot; },
                         "max_temp > " + c.str("temp_threshold"),
                         "device_id",
                         "window_start",
                         "window_end",
                         "critical",
                         "device {device_id} reached {max_temp} °C (avg {avg_temp}) in the window from {window_start}"};
    alert_rule high_humidity{"HIGH_HUMIDITY",
                             [humid](const record& r) { return r.num("avg_humidity") > humid; },
                             "avg_humidity > " + c.str("humidity_threshold"),
                             "device_id",
                             "window_start",
                             "window_end",
                             "warning",
                             "device {device_id} averaged {avg_humidity} % humidity in the window from {window_start}"};
    alert_limits limits;
    limits.max_per_key = c.integer("alerts.max_per_device", 0, 1'000'000);
    windows.alerts({high_temp, high_humidity}, alert_output(c, out + "/alerts"), limits, out + "/alert_memory")
        .to(sinks::jsonl(out + "/windows"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
