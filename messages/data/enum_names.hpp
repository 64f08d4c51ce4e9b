// enum_names: an enum's spellings as a table — the first entry of a value is its name, later
// entries are accepted aliases — so every enum parses and prints the same way (policies,
// column types, aggregate functions, error codes).
//
//   constexpr enum_name<output_mode> output_mode_names[] = {{output_mode::append, "append"}, …};
//   name_of(m, output_mode_names)            → "append"
//   parse_name("update", output_mode_names)  → output_mode::update (nullopt if unknown)
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sluice {

template <class E>
struct enum_name {
  E value;
  const char* name;
};

template <class E, size_t N>
const char* name_of(E v, const enum_name<E> (&table)[N]) {
  for (const auto& e : table)
    if (e.value == v) return e.name;
  return "?";
}

template <class E, size_t N>
std::optional<E> parse_name(std::string_view text, const enum_name<E> (&table)[N]) {
  for (const auto& e : table)
    if (text == e.name) return e.value;
  return std::nullopt;
}

}  // namespace sluice
