"""Handing a person over to staff: the store and the relay, channel-agnostic, with no replies
to the person (those, and the steps, are the handoff dialogue's: bot/dialogues/handoff.py).

desk.py       the StaffDesk seam (Telegram forum topics / reply threads, or the terminal's local desk)
store.py      handoffs and their messages in the database
relay.py      opening threads, relaying both ways, alerts, erasure: what staff see
translate.py  machine translation only with consent and a configured service; never blocks a relay
staff_texts.py, notes.py  German texts for staff; the "last topic" note kept in the conversation state
"""
