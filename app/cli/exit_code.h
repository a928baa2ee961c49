// The process exit codes every WireStep command uses.
#pragma once

namespace wirestep::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,  // the command ran and something went wrong (a lesson failed, a file was bad)
  kExitUsage = 2,    // the command line itself was wrong
};

}  // namespace wirestep::cli
