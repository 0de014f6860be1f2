"""The culture cloud's bookings: venues, activities, sessions, real-name bookings, tickets, check-in.

Domain code without Flask. The pieces, one job each:

- :mod:`.models`: the tables (venues, activities, sessions, bookings, attendees, claims, suspensions, outbox);
- :mod:`.documents`: identity documents (GB 11643 resident numbers, passports, permits) and phone numbers;
- :mod:`.privacy`: keyed hashes and masked forms, so no ID number or phone is ever stored in the clear;
- :mod:`.activities`: the activities file (``jinshi activities load``);
- :mod:`.service`: booking, cancelling, the waiting list; the capacity guarantee lives here;
- :mod:`.tickets`: ticket codes, signed QR tokens, iCalendar;
- :mod:`.checkin`: the door (staff), no-shows and suspensions;
- :mod:`.staff`: capacity changes, cancelling sessions, attendee lists (CSV, PDF);
- :mod:`.mail`: the outbox and its delivery over SMTP.
"""
