"""Scheduled jobs besides reminders, one module each (started by bot.scheduling):

- runs.py: claiming a job run once across processes (the job_runs table);
- digest.py: the 7:30 staff digest of the day's bookings per office;
- attendance.py: after an appointment, ask staff "came / did not come" with two buttons;
- purge.py: the nightly purge of data past RETENTION_DAYS.
"""
