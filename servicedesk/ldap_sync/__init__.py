"""LDAP / Active Directory sync: `client` talks to the directory (ldap3), `mapping` turns entries
into plain records, `sync` applies them to departments and employees."""
