"""Notifications: the inbox and its subscription."""
