"""Geography: boundaries derived from the register or imported by staff, and the map figure."""
