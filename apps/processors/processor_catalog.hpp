// processor_catalog: keyed processors (state/operators/process/keyed_processor.hpp) a query
// file can name — `{"type": "process", "key": "user", "processor": "spend_spike",
// "params": {…}}` (apps/frontend/query_json.hpp). A program that embeds sluice adds its own
// with `processor_catalog::add`; `builtin_processors()` has the prebuilt apps' ones.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "messages/data/schema.hpp"
#include "state/operators/process/keyed_processor.hpp"

namespace sluice {

struct registered_processor {
  std::string name;
  std::string summary;
  column_type key_type = column_type::string;  // string or int64: the key column's type
  std::vector<column> output;                  // the rows it emits
  /// Its factory, from the "params" object at `path`; throws std::invalid_argument naming
  /// the field for a bad parameter.
  std::function<std::function<std::unique_ptr<keyed_processor_base>()>(const boost::json::object& params,
                                                                       const std::string& path)>
      make;
};

class processor_catalog {
 public:
  void add(registered_processor p);
  const registered_processor* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, registered_processor> by_name_;
};

/// spend_spike (apps/processors/spend_spike.hpp), params factor, min_history, idle.
const processor_catalog& builtin_processors();

}  // namespace sluice
