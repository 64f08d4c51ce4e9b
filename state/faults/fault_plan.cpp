#include "state/faults/fault_plan.hpp"

#include <stdexcept>

namespace sluice {

const std::vector<std::pair<std::string, std::string>>& fault_plan::known_points() {
  static const std::vector<std::pair<std::string, std::string>> points = {
      {"crash:<actor>", "the named actor (source, watermark, join/0, sink, …) throws after its K-th batch"},
      {"exit:before-commit",
       "the process exits when the K-th epoch's state is written but before the epoch is committed"},
      {"exit:after-commit", "the process exits when the K-th epoch is committed but before its output is published"},
      {"leveldb:sync", "the K-th synced checkpoint write fails with an I/O error (through the LevelDB Env seam)"},
      {"broker:down", "the embedded Kafka broker goes down for 2 s at the K-th trigger (sluice run, sluice chaos)"},
  };
  return points;
}

status fault_plan::arm(const std::string& spec) {
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    point p;
    std::string name = item;
    // NAME may itself contain one ':' (crash:filter); K and `always` follow it.
    std::vector<std::string> parts;
    size_t s = 0;
    while (s <= item.size()) {
      size_t c = item.find(':', s);
      if (c == std::string::npos) c = item.size();
      parts.push_back(item.substr(s, c - s));
      s = c + 1;
    }
    name = parts.size() >= 2 ? parts[0] + ":" + parts[1] : item;
    bool known = parts.size() >= 2 && parts[0] == "crash" && !parts[1].empty();
    for (const auto& [n, help] : known_points()) known |= n == name;
    if (!known)
      return status::invalid_argument("--fail-at '" + item +
                                      "': unknown fault point; expected crash:<actor>, exit:before-commit, "
                                      "exit:after-commit, leveldb:sync or broker:down, then [:K[:always]] "
                                      "(sluice chaos --list-faults)");
    if (parts.size() >= 3) {
      try {
        p.every = std::stoll(parts[2]);
      } catch (const std::exception&) {
        p.every = 0;
      }
      if (p.every < 1) return status::invalid_argument("--fail-at '" + item + "': K must be a whole number ≥ 1");
    }
    if (parts.size() >= 4) {
      if (parts[3] != "always")
        return status::invalid_argument("--fail-at '" + item + "': the 4th part may only be 'always'");
      p.always = true;
    }
    if (parts.size() > 4) return status::invalid_argument("--fail-at '" + item + "': too many ':' parts");
    std::lock_guard<std::mutex> g(mu_);
    points_[name] = p;
  }
  return status::ok();
}

bool fault_plan::hit(const std::string& name) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = points_.find(name);
  if (it == points_.end()) return false;
  auto& p = it->second;
  ++p.hits;
  bool fire = p.always ? p.hits % p.every == 0 : (p.fired == 0 && p.hits == p.every);
  if (fire) ++p.fired;
  return fire;
}

void fault_plan::set_process_exit(std::function<void(const std::string&)> fn) {
  std::lock_guard<std::mutex> g(mu_);
  exit_ = std::move(fn);
}

void fault_plan::exit_process(const std::string& point) {
  std::function<void(const std::string&)> fn;
  {
    std::lock_guard<std::mutex> g(mu_);
    fn = exit_;
  }
  if (fn) fn(point);
  throw std::runtime_error("fault injected at " + point + " (simulated process exit)");
}

std::vector<std::string> fault_plan::describe() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::string> out;
  for (const auto& [name, p] : points_)
    out.push_back(name + " after hit " + std::to_string(p.every) + (p.always ? " (every time)" : " (once)"));
  return out;
}

}  // namespace sluice
