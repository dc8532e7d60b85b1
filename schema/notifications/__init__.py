"""Notifications: the inbox and its subscription (issue 5)."""
