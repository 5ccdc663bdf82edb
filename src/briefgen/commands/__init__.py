"""The command line: one thin module per command, driving the pipeline."""
