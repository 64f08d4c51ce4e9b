// operator_host, one actor with a recording handler: with several senders, a sender that is
// ahead does not get its next trigger's rows judged in the current one; the handler sees its
// own watermarks (global W shifted by its offset, clamped at 0); one watermark goes on per
// trigger, carrying the metrics that came in and the handler's.
#include "actors/runtime/operator_host.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <thread>

using namespace sluice;

namespace {

struct journal {
  std::mutex mu;
  std::vector<std::string> calls;
  std::vector<watermark> forwarded;
  void add(std::string s) {
    std::lock_guard<std::mutex> g(mu);
    calls.push_back(std::move(s));
  }
};

class recording_handler {
 public:
  explicit recording_handler(std::shared_ptr<journal> j) : j_(std::move(j)) {}
  schema_ptr output_schema() const { return nullptr; }
  void on_batch(batch& b, int64_t late_us, host_output&) {
    j_->add("batch " + std::to_string(b.trigger) + " late " + std::to_string(late_us));
  }
  state_operator_progress on_watermark(const trigger_end& e, host_output&) {
    j_->add("end " + std::to_string(e.trigger) + " late " + std::to_string(e.watermark_us) + " evict " +
            std::to_string(e.next_watermark_us));
    return state_totals("recording", 0, 0);
  }
  state_operator_progress stats() const { return state_totals("recording", 0, 0); }
  void save(const state_store::row_writer&) const {}

 private:
  std::shared_ptr<journal> j_;
};

operator_actor::behavior_type collector(std::shared_ptr<journal> j) {
  return {[](batch&) {},
          [j](watermark& w) {
            std::lock_guard<std::mutex> g(j->mu);
            j->forwarded.push_back(w);
          },
          [](barrier&) {}, [](end_of_input&) {}, [](stats_atom) { return state_operator_progress{}; }};
}

batch rows_of(int64_t trigger) {
  batch b;
  b.trigger = trigger;
  b.rows.emplace_back();
  return b;
}

watermark mark(int64_t trigger, int64_t w_us, const char* op) {
  watermark w;
  w.trigger = trigger;
  w.value_us = w_us;
  state_operator_progress p;
  p.operator_name = op;
  w.report.operators.push_back(p);
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(actors_runtime_operator_host)

BOOST_AUTO_TEST_CASE(a_sender_ahead_waits_for_the_others_and_watermarks_are_the_operators_own) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto j = std::make_shared<journal>();
  host_config hc;
  hc.name = "rec";
  hc.downstream = sys.spawn(collector, j);
  hc.upstream = 2;
  hc.stage = 3;
  hc.watermark_offset_us = -1'000'000;  // 1 s held back upstream
  auto host = sys.spawn(operator_host<recording_handler>, hc, std::make_shared<recording_handler>(j));
  caf::scoped_actor self{sys};
  // Sender A finishes trigger 0 and sends trigger 1's rows before sender B's watermark 0.
  self->send(host, rows_of(0));
  self->send(host, mark(0, 5'000'000, "a"));
  self->send(host, rows_of(1));
  self->send(host, mark(0, 5'000'000, "b"));
  self->send(host, mark(1, 9'000'000, "a"));
  self->send(host, mark(1, 9'000'000, "b"));
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> g(j->mu);
      if (j->forwarded.size() == 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> g(j->mu);
  // Trigger 1's rows are judged after trigger 0 ended, against W 5 s − 1 s.
  BOOST_TEST(j->calls == (std::vector<std::string>{"batch 0 late 0", "end 0 late 0 evict 4000000",
                                                   "batch 1 late 4000000", "end 1 late 4000000 evict 8000000"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(j->forwarded.size() == 2u);  // one per trigger, not one per sender
  const auto& ops = j->forwarded[0].report.operators;
  BOOST_REQUIRE(ops.size() == 3u);  // a's, b's, and the host's own
  BOOST_TEST(ops[2].operator_name == "recording");
  BOOST_TEST(ops[2].stage == 3);
  BOOST_TEST(ops[2].late_watermark_us == 0);
  BOOST_TEST(ops[2].eviction_watermark_us == 4'000'000);
  caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
