#include "actors/api/operator_interface.hpp"

#include "messages/data/enum_names.hpp"

namespace sluice {

namespace {
constexpr enum_name<sluice_errc> errc_names[] = {{sluice_errc::operator_failed, "operator_failed"},
                                                 {sluice_errc::source_failed, "source_failed"},
                                                 {sluice_errc::sink_failed, "sink_failed"},
                                                 {sluice_errc::escalated, "escalated"}};
}  // namespace

const char* to_string(sluice_errc e) {
  return name_of(e, errc_names);
}

caf::error make_sluice_error(sluice_errc code, std::string actor, std::string reason) {
  return caf::error(static_cast<uint8_t>(code), caf::atom("sluice"),
                    caf::make_message(std::move(actor), std::move(reason)));
}

std::string describe_error(const caf::error& e) {
  if (e.category() == caf::atom("sluice") && e.context().match_elements<std::string, std::string>()) {
    const auto& actor = e.context().get_as<std::string>(0);
    const auto& reason = e.context().get_as<std::string>(1);
    auto code = static_cast<sluice_errc>(e.code());
    if (code == sluice_errc::escalated) return reason;
    return "actor '" + actor + "' failed (" + to_string(code) + "): " + reason;
  }
  return caf::to_string(e);
}

}  // namespace sluice
