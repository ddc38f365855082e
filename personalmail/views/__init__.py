"""Views of the "Mail" section: small function views over the services (see services/)."""
