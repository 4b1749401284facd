"""Reading input files and turning them into clean, described articles."""
