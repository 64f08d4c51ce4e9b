#include "state/store/status.hpp"

namespace sluice {

std::string status::to_string() const {
  switch (code_) {
    case code::ok:
      return "OK";
    case code::not_found:
      return "not found: " + message_;
    case code::io_error:
      return "I/O error: " + message_;
    case code::corruption:
      return "corruption: " + message_;
    case code::invalid_argument:
      return "invalid argument: " + message_;
    case code::unsupported:
      return "unsupported: " + message_;
  }
  return message_;
}

}  // namespace sluice
