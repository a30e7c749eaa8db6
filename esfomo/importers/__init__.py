"""Importers that bring content from elsewhere (other sites, archives) into the portal: they compose whole editions."""
