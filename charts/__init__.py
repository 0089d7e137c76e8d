"""Inline-SVG charts shared by the static pages: the hygiene report and Relationship Analytics."""
