#include "apps/prebuilt/orders_payments.hpp"

#include "apps/launch/kafka_input.hpp"

namespace sluice {

namespace {

schema_ptr orders_schema() {
  return std::make_shared<const schema>(
      std::vector<column>{{"order_id", column_type::int64, true, time_unit::millis},
                          {"customer", column_type::string, true, time_unit::millis},
                          {"amount", column_type::float64, true, time_unit::millis},
                          {"order_time", column_type::timestamp, true, time_unit::millis}},
      "order_time");
}

schema_ptr payments_schema() {
  return std::make_shared<const schema>(
      std::vector<column>{{"payment_id", column_type::int64, true, time_unit::millis},
                          {"order_id", column_type::int64, true, time_unit::millis},
                          {"amount", column_type::float64, true, time_unit::millis},
                          {"pay_time", column_type::timestamp, true, time_unit::millis}},
      "pay_time");
}

}  // namespace

app_definition orders_payments_app() {
  app_definition app;
  app.name = "orders-payments";
  app.summary =
      "stream-stream join of orders and payments from Kafka (inner or left outer), with late rows kept; "
      "generated input on the embedded broker by default";
  app.settings = {
      {"output", "sluice-output/orders-payments", "directory for joined/, late_rows/ and dead_letters/"},
      {"join", "inner", "inner or left_outer (unpaid orders come out with null payment columns)"},
      {"orders.count", "20000", "generated orders (0 = unbounded, until Ctrl-C)"},
      {"orders.rate", "4000", "orders (and payments) per second (0 = as fast as the pipeline takes them)"},
      {"orders.seed", "42", "generator seed"},
      {"orders.customers", "1000", "distinct customers"},
      {"orders.spacing", "1s", "event time between consecutive orders"},
      {"payments.missing", "0.05", "share of orders never paid"},
      {"payments.late", "0.02", "share of payments that arrive far too late (dropped by the watermark)"},
      {"payments.late_by", "2h", "how late those payments are"},
      {"watermark", "10m", "watermark delay on order_time and pay_time"},
      {"window", "1h", "pay_time BETWEEN order_time AND order_time + window"},
      {"partitions", "2", "join partitions (actors); state is split by hash(order_id)"},
      {"output.overwrite", "true", "clear joined/, late_rows/ and dead_letters/ under output before running"},
  };
  for (auto& s : kafka_input_settings()) app.settings.push_back(s);
  for (auto& s : common_settings()) app.settings.push_back(s);
  app.outputs = [](const app_config& c) {
    auto out = c.str("output");
    return "joined: " + out + "/joined/  late rows: " + out + "/late_rows/";
  };
  app.prepare = [](const app_config& c) { return clear_outputs(c, {"joined", "late_rows", "dead_letters"}); };
  app.build = [](const app_config& c) {
    std::string out = c.str("output");
    auto type = parse_join_type(c.str("join"));
    if (!type || (*type != join_type::inner && *type != join_type::left_outer))
      throw config_error("setting 'join' = '" + c.str("join") + "': expected inner or left_outer");
    generator_spec orders;
    orders.kind = "orders";
    orders.count = static_cast<uint64_t>(c.integer("orders.count", 0, INT64_MAX));
    orders.rate = c.number("orders.rate", 0, 1e9);
    orders.seed = static_cast<uint64_t>(c.integer("orders.seed", 0, INT64_MAX));
    orders.keys = static_cast<uint64_t>(c.integer("orders.customers", 1, 1'000'000'000));
    orders.spacing_us = c.duration_us("orders.spacing");
    if (orders.spacing_us <= 0) throw config_error("setting 'orders.spacing' must be positive");
    generator_spec payments = orders;
    payments.kind = "payments";
    payments.missing_fraction = c.number("payments.missing", 0, 1);
    payments.late_fraction = c.number("payments.late", 0, 1);
    payments.late_us = c.duration_us("payments.late_by");
    auto delay = std::chrono::microseconds(c.duration_us("watermark"));
    int64_t window = c.duration_us("window");

    pipeline p("orders-payments");
    apply_common_settings(p, c);
    p.with_dead_letters(out + "/late_rows");
    auto in = app_inputs(
        c, {{"orders", "orders", orders, orders_schema()}, {"payments", "payments", payments, payments_schema()}});
    auto o = p.source(std::move(in[0])).with_watermark("order_time", delay);
    auto pay = p.source(std::move(in[1])).with_watermark("pay_time", delay);
    join_options j;
    j.type = *type;
    j.on = {{"order_id", "order_id"}};
    j.time_range =
        join_options::range{"right.pay_time", "left.order_time", time_bound{0, true}, time_bound{window, true}};
    j.output_columns = {"left.order_id",    "left.customer", "left.amount",   "left.order_time",
                        "right.payment_id", "right.amount",  "right.pay_time"};
    j.partitions = static_cast<int>(c.integer("partitions", 1, 64));
    j.route_late_rows = true;
    o.join(pay, j).to(sinks::jsonl(out + "/joined"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
