#include "apps/prebuilt/app_registry.hpp"

#include "apps/prebuilt/cdc.hpp"
#include "apps/prebuilt/clickstream.hpp"
#include "apps/prebuilt/enrich.hpp"
#include "apps/prebuilt/fraud.hpp"
#include "apps/prebuilt/iot.hpp"
#include "apps/prebuilt/lambda.hpp"
#include "apps/prebuilt/medallion.hpp"
#include "apps/prebuilt/orders_payments.hpp"
#include "apps/prebuilt/revenue.hpp"

namespace sluice {

const std::vector<app_definition>& registered_apps() {
  static const std::vector<app_definition> apps = {orders_payments_app(), medallion_app(), iot_app(), fraud_app(),
                                                   clickstream_app(),     revenue_app(),   cdc_app(), enrich_app(), lambda_app()};
  return apps;
}

const app_definition* find_app(const std::string& name) {
  for (const auto& a : registered_apps())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace sluice
