"""Signing a built PDF and verifying signed ones (PAdES, with pyHanko): keys, the visible block, verify."""
