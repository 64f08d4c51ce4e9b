#include "apps/prebuilt/iot.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

app_definition iot_app() {
  auto app =
      prebuilt_app("iot",
                   "IoT telemetry: per-device 5-minute windows (avg/max temperature, avg humidity, count), "
                   "HIGH_TEMP / HIGH_HUMIDITY alerts, late readings of offline devices counted",
                   {"directory for windows/, alerts/ and late_readings/",
                    "clear windows/, alerts/, late_readings/ and the alert memory"},
                   {{"window", "5m", "window length"},
                    watermark_setting("2m", "a reading"),
                    {"temp_threshold", "80", "HIGH_TEMP when a window's max temperature is above this"},
                    {"humidity_threshold", "90", "HIGH_HUMIDITY when a window's average humidity is above this"},
                    {"alerts.max_per_device", "0", "at most this many alerts per device per minute (0 = no limit)"},
                    {"partitions", "2", "aggregation partitions (actors); state is split by hash(device_id)"}},
                   {generator_settings("readings", "readings", "20000", "50", "100ms"),
                    {{"readings.offline", "0.01",
                      "share of readings from devices that were offline: they arrive 10 min of event time late"},
                     alert_output_setting()}});
  for (auto& s : app.settings)
    if (s.key == "max_records_per_trigger") s.default_value = "2000";
  declare_outputs(app, {{"windows", "windows"}, {"alerts", "alerts", true}, {"late readings", "late_readings"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    auto spec = generator_from(c, "readings", "iot");
    spec.late_fraction = c.number("readings.offline", 0, 1);
    auto delay = c.duration("watermark");
    auto window = c.duration("window");
    double hot = c.number("temp_threshold", -1e9, 1e9), humid = c.number("humidity_threshold", -1e9, 1e9);

    pipeline p = app_pipeline(c, "iot", out + "/late_readings");
    auto windows = p.source(app_source(c, {"readings", "iot-readings", spec, generator_schema("iot")}))
                       .with_watermark("ts", delay)
                       .group_by({keys::col("device_id"), keys::window("ts", window)})
                       .with_partitions(app_partitions(c))
                       .with_late_rows_to_dead_letters()
                       .agg({aggs::avg("temperature").as("avg_temp"), aggs::max("temperature").as("max_temp"),
                             aggs::avg("humidity").as("avg_humidity"), aggs::count().as("readings")});
    auto high_temp = window_alert(
        "HIGH_TEMP", [hot](const record& r) { return r.num("max_temp") > hot; },
        "max_temp > " + c.str("temp_threshold"), "device_id", "critical",
        "device {device_id} reached {max_temp} °C (avg {avg_temp}) in the window from {window_start}");
    auto high_humidity = window_alert(
        "HIGH_HUMIDITY", [humid](const record& r) { return r.num("avg_humidity") > humid; },
        "avg_humidity > " + c.str("humidity_threshold"), "device_id", "warning",
        "device {device_id} averaged {avg_humidity} % humidity in the window from {window_start}");
    alert_limits limits;
    limits.max_per_key = c.integer("alerts.max_per_device", 0, 1'000'000);
    windows.alerts({high_temp, high_humidity}, alert_output(c, out + "/alerts"), limits, out + "/alert_memory")
        .to(sinks::jsonl(out + "/windows"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
