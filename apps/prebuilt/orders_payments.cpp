#include "apps/prebuilt/orders_payments.hpp"

#include "apps/prebuilt/prebuilt_app.hpp"
#include "state/io/gen/generator_schema.hpp"

namespace sluice {

app_definition orders_payments_app() {
  auto app = prebuilt_app(
      "orders-payments",
      "stream-stream join of orders and payments from Kafka (inner or left outer), with late rows kept; "
      "generated input on the embedded broker by default",
      {"directory for joined/, late_rows/ and dead_letters/",
       "clear joined/, late_rows/ and dead_letters/ under output before running"},
      {{"join", "inner", "inner or left_outer (unpaid orders come out with null payment columns)"},
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
  declare_outputs(app, {{"joined", "joined"}, {"late rows", "late_rows"}}, {"dead_letters"});
  app.build = [](const app_config& c) {
    std::string out = c.directory("output");
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
    o.join(pay, j).to(sinks::jsonl(out + "/joined"));
    return std::vector<query_plan_ptr>{p.build()};
  };
  return app;
}

}  // namespace sluice
