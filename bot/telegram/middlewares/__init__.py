"""Cross-cutting concerns of the Telegram adapter, one middleware per concern."""
