package version

// Version is stamped by the build.
var Version = "dev"

// Revision is not a stamp: it is computed.
var Revision = compute()

func compute() string { return "x" }
