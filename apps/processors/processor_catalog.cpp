#include "apps/processors/processor_catalog.hpp"

#include "apps/frontend/json_fields.hpp"
#include "apps/processors/spend_spike.hpp"

namespace sluice {

void processor_catalog::add(registered_processor p) {
  auto name = p.name;
  by_name_[name] = std::move(p);
}

const registered_processor* processor_catalog::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

std::vector<std::string> processor_catalog::names() const {
  std::vector<std::string> out;
  for (const auto& kv : by_name_) out.push_back(kv.first);
  return out;
}

namespace {

registered_processor spend_spike_entry() {
  registered_processor p;
  p.name = "spend_spike";
  p.summary = "a user's amount above factor × their running average (fraud's SPEND_SPIKE)";
  p.output = spend_spike_output();
  p.make = [](const boost::json::object& params, const std::string& path) {
    using namespace json_fields;
    check_fields(params, path, {"factor", "min_history", "idle"});
    double factor = get_number(params, "factor", path, 5, 1, 1e9);
    auto history = static_cast<int64_t>(get_number(params, "min_history", path, 5, 1, 1e6));
    int64_t idle = duration_field(params, "idle", path).value_or(int64_t{86'400'000'000});
    return std::function<std::unique_ptr<keyed_processor_base>()>(
        [=] { return std::make_unique<spend_spike>(factor, history, idle); });
  };
  return p;
}

}  // namespace

const processor_catalog& builtin_processors() {
  static const processor_catalog catalog = [] {
    processor_catalog c;
    c.add(spend_spike_entry());
    return c;
  }();
  return catalog;
}

}  // namespace sluice
