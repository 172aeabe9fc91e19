"""Test clients as a given user sees the site."""

from django.test import Client


def client_for(user) -> Client:
    """A fresh test client logged in as USER (a session of its own, as a second browser would have)."""
    client = Client()
    client.force_login(user)
    return client
