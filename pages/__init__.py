"""Static Relationship Analytics pages: per opportunity, account and contact, my accounts, a manager's book."""
