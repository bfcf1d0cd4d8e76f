"""The web chat: the same assistant in any phone browser (`python -m bot web`, or WEB_PORT beside
Telegram). The third adapter, after Telegram and the terminal: server.py (aiohttp routes and the
turn), render.py (replies as safe JSON for the page), sessions.py (cookie sessions, CSRF tokens,
expiry), limits.py (rate limits), outbox.py (reminders and staff answers for web people), desk.py
(handoffs marked "web" in the staff group), static/ (the page: HTML, CSS, JS; no CDN)."""
