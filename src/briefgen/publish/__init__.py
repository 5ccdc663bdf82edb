"""The publish stage: the only writer of an output folder, and the manifest it keeps there."""
