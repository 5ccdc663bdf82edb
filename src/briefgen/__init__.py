"""briefgen: validated, professionally typeset briefing notes from YAML fact sheets."""

__version__ = "0.1.0"
