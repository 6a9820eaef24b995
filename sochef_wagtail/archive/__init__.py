"""The tweet archive: the site's own copy of every relay tweet (parse, normalise, store; fetch)."""
