// `wirestep serve` in-process: address checks, the listening line, a port in use, clean stop.
#include "cli/serve_command.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "cli/exit_code.h"
#include "net/cancel_signal.h"
#include "net/http/http_server.h"

namespace wirestep::cli {
namespace {

TEST(ServeCommand, ANameInsteadOfAnIpIsAUsageError) {
  ServeCommandOptions options;
  options.bind = "localhost";
  std::ostringstream out, err;
  EXPECT_EQ(serve_command(options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("needs an IP address"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

TEST(ServeCommand, AStopRequestedAtOnceStillPrintsTheListeningLineAndExitsZero) {
  for (const char* mode : {"blocking", "threaded", "evented"}) {
    ServeCommandOptions options;
    options.port = 0;
    options.mode = mode;
    net::CancelSignal stop;
    stop.cancel();
    std::ostringstream out, err;
    EXPECT_EQ(serve_command(options, out, err, &stop), kExitOk) << err.str();
    const std::regex listening("listening on http://127\\.0\\.0\\.1:[1-9][0-9]*/ \\(mode " +
                               std::string(mode) + "\\)\n");
    EXPECT_TRUE(std::regex_search(out.str(), listening)) << out.str();
    EXPECT_NE(out.str().find("port 0: the system chose port "), std::string::npos);
    EXPECT_EQ(err.str(), "");  // loopback: no warning
  }
}

TEST(ServeCommand, APortInUseNamesThePortAndSuggestsPortZero) {
  net::http::ServerOptions first_options;
  auto first = net::http::make_server("evented", first_options);
  const auto port = first->local_endpoint().port();
  ServeCommandOptions options;
  options.port = port;
  std::ostringstream out, err;
  EXPECT_EQ(serve_command(options, out, err), kExitFailure);
  EXPECT_NE(err.str().find("port " + std::to_string(port)), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("--port 0"), std::string::npos) << err.str();
}

TEST(ServeCommand, ANonLoopbackAddressIsWarnedAbout) {
  // 192.0.2.1 (TEST-NET-1) is not on this machine: the warning comes, then the bind fails.
  ServeCommandOptions options;
  options.port = 0;
  options.bind = "192.0.2.1";
  std::ostringstream out, err;
  EXPECT_EQ(serve_command(options, out, err), kExitFailure);
  EXPECT_NE(err.str().find("WARNING: serving on 192.0.2.1: other machines can reach this server"),
            std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace wirestep::cli
