"""Importers that move content from elsewhere into the portal's models."""
