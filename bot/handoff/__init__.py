"""Talking to a person: consent, one staff thread per newcomer, relay both ways with translation.

desk.py       the StaffDesk seam (Telegram forum topics / reply threads, or the terminal's local desk)
service.py    opening, relaying, closing; out-of-hours notice; erasure
translate.py  machine translation only with consent and a configured service; never blocks a relay
staff_texts.py, notes.py  German texts for staff; the "already answered" note
"""
