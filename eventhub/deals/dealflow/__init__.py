"""Investor deal flow: after a meeting the investor records its interest, the next step
and private notes; a pipeline of its startups by stage; the startup sees and answers only
the next steps addressed to it."""
