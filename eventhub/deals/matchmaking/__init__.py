"""Two-way matchmaking: marks ("must meet", "would meet", "not now"), investors' meeting
requests to startups, and recommendations on both sides' directories."""
