"""Appointment reminders: planned as database rows, claimed atomically, sent once.

- planning.py: `plan_for_booking` / `cancel_for_booking` / `sync_for_booking` (called by the
  booking service after book, reschedule, cancel);
- dispatch.py: `ReminderDispatcher` finds due reminders, decides which still make sense, claims
  them (one process wins each), sends through an injected sender and marks them sent;
- message.py: the reminder text and buttons in the person's language (pure).

APScheduler only says "now is a good time to look"; the `reminders` table is the truth.
"""
