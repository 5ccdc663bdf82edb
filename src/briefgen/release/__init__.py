"""The release stage: audiences, and the part of a fact sheet each may read, with its markings."""
