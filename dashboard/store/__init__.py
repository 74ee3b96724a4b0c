"""The store: tables, migrations, the engine, and the SQL the pages read (roll-ups, triggers, backup)."""
