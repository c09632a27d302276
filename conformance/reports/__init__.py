"""Result records and report writers."""
