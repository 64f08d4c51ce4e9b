#include "apps/prebuilt/lambda.hpp"


#include "apps/prebuilt/prebuilt_app.hpp"
#include "apps/serving/merged_view.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {
namespace {

/// Revenue and orders per `key` and bucket of the rows of `s`, to `dir`.
void aggregate_to(stream s, const std::string& key, std::chrono::microseconds bucket, output_mode mode,
                  const std::string& dir) {
  s.group_by({keys::col(key), keys::window("ts", bucket)})
      .with_output_mode(mode)
      .agg({aggs::sum("amount").as("revenue"), aggs::count().as("orders")})
      .to(sinks::jsonl(dir));
}

}  // namespace

app_definition lambda_app() {
  auto app = prebuilt_app(
      "lambda",
      "revenue per category and per user as a Lambda architecture: a speed layer (streaming, archiving the "
      "sales) and a batch layer (available_now over the archive), merged by `sluice serve lambda`",
      {"directory for archive/, speed/, batch/<k>/ and dead_letters/", "clear archive/, speed/ and dead_letters/"},
      {{"layer", "speed", "speed (the streaming query: archive and real-time views) or batch (a new batch view)"},
       {"bucket", "1m", "the views' event-time buckets: the batch view's cut-off falls on one's end"},
       watermark_setting("30s", "a sale")},
      {generator_settings("sales", "sales", "20000", "2000", "200ms")});
  declare_outputs(app, {{"archive", "archive"}, {"speed views", "speed"}, {"batch views", "batch"}});
  app.views = {{"by_category", "category", {"revenue", "orders"}}, {"by_user", "user", {"revenue", "orders"}}};
  app.build = [](const app_config& c) {
    std::string out = c.directory("output"), layer = c.str("layer");
    auto bucket = c.duration("bucket");
    if (bucket.count() <= 0) throw config_error("setting 'bucket' must be positive");
    auto delay = c.duration("watermark");
    schema_ptr sales = generator_schema("sales");
    if (layer == "speed") {
      pipeline p = app_pipeline(c, "lambda-speed", out + "/dead_letters/speed");
      app_input input{"sales", "sales", generator_from(c, "sales", "sales"), sales};
      stream s = p.source(app_source(c, input)).with_watermark("ts", delay);
      s.to(sinks::jsonl(out + "/archive"));
      aggregate_to(s, "category", bucket, output_mode::update, out + "/speed/by_category");
      aggregate_to(s, "user", bucket, output_mode::update, out + "/speed/by_user");
      return std::vector<query_plan_ptr>{p.build()};
    }
    if (layer != "batch") throw config_error("setting 'layer' = '" + layer + "': expected speed or batch");
    auto earlier = batch_views(out);
    std::string dir = out + "/batch/" + std::to_string(earlier.empty() ? 1 : earlier.back() + 1);
    pipeline p = app_pipeline(c, "lambda-batch", out + "/dead_letters/batch");
    // One trigger over the whole archive, judged by Spark's per-trigger watermark: the archive
    // holds each Kafka partition's sales in order but not the partitions in step with each other
    // (a trigger's part file holds what it read of each), so no sale of it may count as late.
    // The final watermark then closes the buckets it passed: those are the batch view.
    p.with_trigger(trigger_policy{trigger_kind::available_now, 0});
    p.with_max_records_per_trigger(0);
    p.with_watermark_scope(watermark_scope::query);
    stream s = p.source(sources::jsonl("archive", out + "/archive", sales, true)).with_watermark("ts", delay);
    aggregate_to(s, "category", bucket, output_mode::append, dir + "/by_category");
    aggregate_to(s, "user", bucket, output_mode::append, dir + "/by_user");
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
