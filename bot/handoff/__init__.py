"""Handing a person over to staff: the store and the relay, channel-agnostic, with no replies
to the person (those, and the steps, are the handoff dialogue's: bot/dialogues/handoff.py).

store.py      handoffs and their messages in the database
relay.py      opening threads, relaying both ways, alerts, erasure: what staff see
translate.py  machine translation only with consent and a configured service; never blocks a relay
staff_texts.py, notes.py  German texts for staff; the "last topic" note kept in the conversation state

The staff chat itself is behind a port, bot.core.staff_desk.StaffDesk (each adapter gives its
channel's desk to Services.staff_desks; `turn.staff_desk` is the person's).
"""
