"""Business operations of the core domain. Views, commands and tasks call only these."""
