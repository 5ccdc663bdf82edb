"""The input stage: find fact sheets, load their YAML, check them against the format and its rules."""
