// iot: IoT telemetry — per-device event-time windows of temperature and humidity, alerts on
// hot or humid windows, late readings from devices that were offline counted and kept.
//
//   readings (device_id, temperature, humidity, ts)
//     └─ watermark ts − `watermark` ─▶ group_by(device_id, window(ts, `window`))
//          avg/max temperature, avg humidity, count            (append: a window once, when closed)
//        ─▶ alerts HIGH_TEMP (max > temp_threshold), HIGH_HUMIDITY (avg > humidity_threshold)
//        ─▶ output/windows/ (JSONL)       alerts → alerts.to      late readings → output/late_readings/
// `max_records_per_trigger` caps each trigger (a slow consumer never gets a burst).
#pragma once

#include "apps/prebuilt/app_registry.hpp"

namespace sluice {

app_definition iot_app();

}  // namespace sluice
