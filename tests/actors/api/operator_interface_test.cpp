#include "actors/api/operator_interface.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

using namespace sluice;

BOOST_AUTO_TEST_SUITE(actors_api_operator_interface)

BOOST_AUTO_TEST_CASE(messages_print_and_round_trip_through_caf) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  batch b;
  b.schema = std::make_shared<const schema>(
      std::vector<column>{{"k", column_type::string}, {"ts", column_type::timestamp}}, "ts");
  b.rows.push_back(row{{std::string("a"), int64_t{5}}, 5});
  b.trigger = 7;
  b.input = 1;
  b.ranges.push_back(source_range{"in", "0", "1"});
  std::string printed = caf::deep_to_string(b);
  BOOST_TEST(printed.find(R"(\"a\",5)") != std::string::npos);  // cells as JSON, quotes escaped by CAF
  BOOST_TEST(printed.find("k:string,ts:timestamp@") != std::string::npos);

  std::vector<char> buf;
  caf::binary_serializer out{sys, buf};
  BOOST_TEST(!out(b));
  batch back;
  caf::binary_deserializer in{sys, buf};
  BOOST_TEST(!in(back));
  BOOST_TEST(back.trigger == 7);
  BOOST_TEST(back.input == 1u);
  BOOST_TEST(back.schema->describe() == b.schema->describe());
  BOOST_TEST(std::get<std::string>(back.rows[0].values[0]) == "a");
  BOOST_TEST(back.rows[0].event_time_us == 5);

  watermark w;
  w.trigger = 3;
  w.value_us = 10;
  BOOST_TEST(caf::deep_to_string(w).find("3") != std::string::npos);
  dead_letter d{"raw", "why", "where", 2};
  BOOST_TEST(caf::deep_to_string(d).find("why") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_name_the_actor) {
  auto e = make_sluice_error(sluice_errc::sink_failed, "sink", "disk full");
  BOOST_TEST(describe_error(e) == "actor 'sink' failed (sink_failed): disk full");
}

BOOST_AUTO_TEST_SUITE_END()
