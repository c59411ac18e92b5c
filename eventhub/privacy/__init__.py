"""Personal data under Moroccan law 09-08 (CNDP): consent records, the attendee's own data
(see, download, correct, erase), retention and the log of organisers' access to it."""
