"""riskforge-flowshape: fan-in/fan-out and peel-chain shape of money flows, as a riskforge feature group."""
