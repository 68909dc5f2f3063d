"""The conflict-control Beam pipeline: options, graph and command-line entry point."""
