"""Outbound HTTP: one client for every fetch Worklink makes (see :mod:`.client`).

``addresses`` judges where a connection may go, ``client`` connects only there, ``configured``
builds the client from the configuration.
"""
