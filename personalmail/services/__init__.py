"""Personal mail services: connecting, synchronising, sending, filing on tickets (one module each)."""
