"""realtime (application): WebSocket push — connections, channels, notifications (docs/realtime.md)."""
