#include "actors/api/operator_interface.hpp"

namespace sluice {

const char* to_string(sluice_errc e) {
  switch (e) {
    case sluice_errc::operator_failed:
      return "operator_failed";
    case sluice_errc::source_failed:
      return "source_failed";
    case sluice_errc::sink_failed:
      return "sink_failed";
    case sluice_errc::escalated:
      return "escalated";
  }
  return "unknown";
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
