"""The preview: `briefgen serve`, a thin driver of the pipeline behind a loopback-only HTTP server."""
