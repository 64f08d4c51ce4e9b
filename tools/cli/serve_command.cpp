// `sluice serve APP`: the serving layer of a Lambda app over HTTP (docs/lambda.md) — each
// request merges the app's batch and speed views afresh (apps/serving/merged_view.hpp).
//
//   GET /views                 {"app", "views": [names]}
//   GET /views/NAME            {"view", "batch", "cutoff", "batchRows", "speedRows", "rows": {key: measures}}
//   GET /views/NAME?key=K      the same header, "key" and "value" (the key's measures, or null)
//
// One request at a time on one thread (Boost.Beast, synchronous reads and writes with a 5 s
// socket timeout; the accept waits in slices so Ctrl-C stops it within 100 ms).
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cctype>
#include <cstdio>

#include "apps/serving/merged_view.hpp"
#include "messages/codec/json_codec.hpp"
#include "messages/data/time.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run_target.hpp"
#include "tools/cli/verb_options.hpp"

namespace sluice::cli {
namespace po = boost::program_options;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

namespace {

const verb_syntax serve_syntax{"serve", "usage: sluice serve APP [--port N] [--host ADDRESS] [--set output=DIR]",
                               "target"};

struct reply {
  http::status code = http::status::ok;
  json::object body;
};

reply fail(http::status code, const std::string& why) {
  reply r;
  r.code = code;
  r.body["error"] = why;
  return r;
}

/// The value of `name` in a query string (percent-decoded; "+" is a space).
std::optional<std::string> query_value(std::string_view query, const std::string& name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = part.find('=');
    if (part.substr(0, eq) != name) continue;
    std::string out;
    auto raw = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out.push_back(' ');
      } else if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
        out.push_back(static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return std::nullopt;
}

reply answer(const app_definition& app, const std::string& output, const std::string& target) {
  std::string_view t = target;
  auto q = t.find('?');
  std::string_view path = t.substr(0, q), query = q == std::string_view::npos ? "" : t.substr(q + 1);
  if (path == "/views" || path == "/views/") {
    reply r;
    r.body["app"] = app.name;
    json::array names;
    for (const auto& v : app.views) names.emplace_back(v.name);
    r.body["views"] = std::move(names);
    return r;
  }
  if (path.substr(0, 7) != "/views/") return fail(http::status::not_found, "try GET /views");
  std::string name(path.substr(7));
  const served_view* view = nullptr;
  for (const auto& v : app.views)
    if (v.name == name) view = &v;
  if (!view) return fail(http::status::not_found, "no view '" + name + "' (GET /views lists them)");
  merged_view m;
  if (auto s = load_merged_view(*view, output, m); !s.is_ok())
    return fail(http::status::internal_server_error, s.message());
  reply r;
  r.body["view"] = name;
  r.body["batch"] = m.batch;
  r.body["cutoff"] = format_iso8601_ms(m.cutoff_us);
  r.body["batchRows"] = m.batch_rows;
  r.body["speedRows"] = m.speed_rows;
  if (auto key = query_value(query, "key")) {
    r.body["key"] = *key;
    auto it = m.rows.find(*key);
    r.body["value"] = it == m.rows.end() ? json::value(nullptr) : json::value(it->second);
    return r;
  }
  json::object rows;
  for (auto& [k, v] : m.rows) rows[k] = std::move(v);
  r.body["rows"] = std::move(rows);
  return r;
}

void handle(tcp::socket& socket, const app_definition& app, const std::string& output) {
  // A client that sends nothing is dropped after 5 s: one request at a time must not hang.
  struct timeval timeout {
    5, 0
  };
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> req;
  boost::beast::error_code ec;
  http::read(socket, buffer, req, ec);
  if (ec) return;
  reply r;
  try {
    r = req.method() == http::verb::get ? answer(app, output, std::string(req.target()))
                                        : fail(http::status::method_not_allowed, "only GET");
  } catch (const std::exception& e) {  // a view's file that is not what it should be
    r = fail(http::status::internal_server_error, e.what());
  }
  http::response<http::string_body> res{r.code, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  write_json(r.body, res.body());  // doubles as 337500.33, not 3.3750033E5
  res.body() += "\n";
  res.prepare_payload();
  http::write(socket, res, ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

int serve_command(const std::vector<std::string>& args, const std::atomic<bool>& stop) {
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("port", po::value<int>()->default_value(8080),
                                            "TCP port (0: any free one, printed)")(
      "host", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on")(
      "set", po::value<std::vector<std::string>>()->composing(), "key=value: the app's settings (output: its folder)")(
      "config", po::value<std::string>(), "JSON file of app settings");
  po::variables_map vm;
  if (auto done = parse_verb(serve_syntax, desc, args, vm)) return *done;
  std::string name = vm["target"].as<std::string>();
  const auto* app = find_app(name);
  if (!app || app->views.empty())
    throw std::invalid_argument("serve takes an app that keeps views (lambda); '" + name + "' " +
                                (app ? "keeps none" : "is not a prebuilt app"));
  std::string output = app_settings(*app, vm).directory("output");
  int port = vm["port"].as<int>();
  if (port < 0 || port > 65535) throw std::invalid_argument("--port must be 0 to 65535");
  boost::asio::io_context io;
  boost::beast::error_code ec;
  auto address = boost::asio::ip::make_address(vm["host"].as<std::string>(), ec);
  if (ec) throw std::invalid_argument("--host '" + vm["host"].as<std::string>() + "': not an IP address");
  tcp::acceptor acceptor(io);
  tcp::endpoint at(address, static_cast<unsigned short>(port));
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + vm["host"].as<std::string>() + ":" + std::to_string(port) + ": " +
                             ec.message());
  std::printf("serving %s views of %s on http://%s:%u/views\n", app->name.c_str(), output.c_str(),
              vm["host"].as<std::string>().c_str(), acceptor.local_endpoint().port());
  std::fflush(stdout);
  while (!stop) {
    tcp::socket socket(io);
    bool accepted = false;
    acceptor.async_accept(socket, [&](const boost::beast::error_code& e) { accepted = !e; });
    io.restart();
    while (!stop && io.run_one_for(std::chrono::milliseconds(100)) == 0) {
    }
    if (!accepted) {
      acceptor.cancel(ec);
      io.restart();
      io.run();  // the cancelled accept's handler
      continue;
    }
    handle(socket, *app, output);
  }
  return 0;
}

}  // namespace sluice::cli
