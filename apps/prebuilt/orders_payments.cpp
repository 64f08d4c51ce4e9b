#include "apps/prebuilt/orders_payments.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

namespace {

/// A customer's segment, from its number (cust_NNNNN): one in ten "enterprise", three in ten
/// "business", the rest "consumer".
value customer_segment(const record& r) {
  const auto& c = std::get<std::string>(r["customer"]);
  uint64_t n = 0;
  for (char ch : c)
    if (ch >= '0' && ch <= '9') n = n * 10 + static_cast<uint64_t>(ch - '0');
  return value{std::string(n % 10 == 0 ? "enterprise" : n % 10 < 4 ? "business" : "consumer")};
}

}  // namespace

app_definition orders_payments_app() {
  auto app = prebuilt_app(
      "orders-payments",
      "stream-stream join of orders and payments from Kafka (inner or left outer), with late rows kept, and "
      "optionally the joined rows' hourly paid revenue per customer segment (a chain); generated input on the "
      "embedded broker by default",
      {"directory for joined/, hourly/, late_rows/ and dead_letters/",
       "clear joined/, hourly/, late_rows/ and dead_letters/ under output"},
      {{"join", "inner", "inner or left_outer (unpaid orders come out with null payment columns)"},
       {"report", "none",
        "none, or hourly: paid revenue per customer segment and hour of pay_time, from the joined "
        "rows (append mode: each hour once, when the join can add nothing to it)"},
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
       {"partitions", "2", "join partitions (actors); state is split by hash(order_id)"}});
  declare_outputs(app, {{"joined", "joined"}, {"hourly revenue", "hourly"}, {"late rows", "late_rows"}});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
    std::string report = c.str("report");
    if (report != "none" && report != "hourly")
      throw config_error("setting 'report' = '" + report + "': expected none or hourly");
    auto type = parse_join_type(c.str("join"));
    if (!type || (*type != join_type::inner && *type != join_type::left_outer))
      throw config_error("setting 'join' = '" + c.str("join") + "': expected inner or left_outer");
    generator_spec orders = generator_base(c, "orders", "orders", "orders.customers");
    orders.spacing_us = c.duration_us("orders.spacing");
    if (orders.spacing_us <= 0) throw config_error("setting 'orders.spacing' must be positive");
    generator_spec payments = orders;
    payments.kind = "payments";
    payments.missing_fraction = c.number("payments.missing", 0, 1);
    payments.late_fraction = c.number("payments.late", 0, 1);
    payments.late_us = c.duration_us("payments.late_by");
    auto delay = c.duration("watermark");
    int64_t window = c.duration_us("window");

    pipeline p = app_pipeline(c, "orders-payments", out + "/late_rows");
    auto in = app_inputs(c, {{"orders", "orders", orders, generator_schema("orders")},
                             {"payments", "payments", payments, generator_schema("payments")}});
    auto o = p.source(std::move(in[0])).with_watermark("order_time", delay);
    auto pay = p.source(std::move(in[1])).with_watermark("pay_time", delay);
    join_options j;
    j.type = *type;
    j.on = {{"order_id", "order_id"}};
    j.time_range =
        join_options::range{"right.pay_time", "left.order_time", time_bound{0, true}, time_bound{window, true}};
    j.output_columns = {"left.order_id",    "left.customer", "left.amount",   "left.order_time",
                        "right.payment_id", "right.amount",  "right.pay_time"};
    j.partitions = app_partitions(c);
    j.route_late_rows = true;
    auto joined = o.join(pay, j).to(sinks::jsonl(out + "/joined"));
    if (report == "hourly")
      joined.filter([](const record& r) { return !is_null(r["payment_id"]); }, "paid")
          .with_column("segment", column_type::string, customer_segment, "segment of customer")
          .group_by({keys::col("segment"), keys::window("pay_time", std::chrono::hours(1))})
          .with_partitions(j.partitions)
          .agg({aggs::count().as("payments"), aggs::sum("right_amount").as("revenue")})
          .to(sinks::jsonl(out + "/hourly"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
