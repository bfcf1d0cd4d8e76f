"""What staff do in the staff chat beyond bookings and handoffs: temporary office closures
(/closed, /open) and anonymous figures (/stats). The Telegram side is
bot/telegram/routers/staff_tools.py; everything here is channel-agnostic."""
